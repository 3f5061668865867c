import NeedleCore
import NeedleProtocol
import NeedleRecords

/// The commands and checks that read the treatment records: the interval guard on `arm`,
/// `history` and `plan`.
extension CommandRouter {
    /// What the supervisor needs to judge the minimum interval and the clock on `arm`: the
    /// area's newest session, the newest session of all, and the calendar time. The verdict
    /// is the supervisor's, taken under the lock that arms (so in the mode it arms in).
    /// A store that cannot be read refuses: the pen cannot tell whether it is too soon.
    func intervalEvidence(area: String?, client: String?) -> Result<IntervalEvidence?, ProtocolError> {
        guard let recorder = records else { return .success(nil) }
        if let failure = recorder.failure {
            return .failure(ProtocolError(.storageFailed, "treatment records cannot be written (\(failure)); no session is started that cannot be recorded"))
        }
        if let shortage = recorder.freeSpace?.shortage() {
            return .failure(ProtocolError(.storageFailed, "\(shortage); no session is started that cannot be recorded: free some space"))
        }
        // Unknown areas are the supervisor's refusal (unknown_area); an area-less plan has no
        // interval, but its session is dated too, so the clock is checked for it as well.
        let known = area.flatMap { TreatmentArea(name: $0) }
        let lastMs: Int64?
        let clientLastMs: Int64?
        let newestMs: Int64?
        do {
            lastMs = try known.flatMap { try recorder.store.lastStartMs(area: $0.rawValue) }
            // Both are read: which one counts is the core's call, in the mode it arms in.
            clientLastMs = try known.flatMap { area in try client.flatMap { try recorder.store.lastStartMs(area: area.rawValue, client: $0) } }
            newestMs = try recorder.store.newestStartMs()
        } catch {
            return .failure(ProtocolError(.storageFailed, "treatment records cannot be read: \(error)"))
        }
        return .success(IntervalEvidence(
            rule: intervalGuard, area: known?.rawValue, lastAreaSessionS: lastMs.map { $0 / 1000 },
            client: client, lastClientAreaSessionS: clientLastMs.map { $0 / 1000 },
            newestRecordS: newestMs.map { $0 / 1000 }, nowS: Self.floorSeconds(wallClock.nowUnixMs())))
    }

    /// What the records say about the cartridge seated now: the first session that used its
    /// serial, if any. The supervisor compares it with the cartridge it sees when it arms
    /// and when it starts.
    func cartridgeEvidence() -> Result<CartridgeRecordEvidence?, ProtocolError> {
        guard let recorder = records else { return .success(nil) }
        guard case .identified(let info) = loop.status().cartridge else {
            return .success(CartridgeRecordEvidence(serial: nil, serialText: "-", firstSession: nil))
        }
        let serial = info.serial.text
        do {
            return .success(CartridgeRecordEvidence(
                serial: info.serial, serialText: serial, firstSession: try recorder.store.firstSession(cartridgeSerial: serial)))
        } catch {
            return .failure(ProtocolError(.storageFailed, "treatment records cannot be read: \(error)"))
        }
    }

    /// Unix seconds, rounded down (also before 1970, where a clock without RTC may stand).
    static func floorSeconds(_ ms: Int64) -> Int64 {
        ms >= 0 ? ms / 1000 : (ms - 999) / 1000
    }

    /// One page of sessions with their notes. One row more than asked is read, to tell
    /// whether another page follows: `next_before` (newest first, the default) or
    /// `next_after` (with `after`) is the cursor for it, null on the last page.
    func history(_ arguments: HistoryArguments) -> Result<ResultPayload, ProtocolError> {
        guard let recorder = records else { return .failure(Self.noRecords) }
        do {
            var rows = try recorder.store.history(
                area: arguments.area, sinceMs: arguments.sinceS.map { $0 * 1000 }, client: arguments.client,
                beforeID: arguments.before, afterID: arguments.after, limit: arguments.limit + 1)
            let more = rows.count > arguments.limit
            let ascending = arguments.after != nil
            if more { if ascending { rows.removeLast() } else { rows.removeFirst() } }
            let notes = try recorder.store.notes(sessionIDs: rows.compactMap(\.id))
            var result: [String: JSONValue] = [
                "sessions": .array(rows.map { row in RecordWire.json(row, notes: row.id.flatMap { notes[$0] } ?? []) }),
            ]
            let cursor: JSONValue = more ? ((ascending ? rows.last : rows.first)?.id).map { .integer($0) } ?? .null : .null
            result[ascending ? "next_after" : "next_before"] = cursor
            return .success(.json(.object(result)))
        } catch {
            return .failure(ProtocolError(.storageFailed, "treatment records cannot be read: \(error)"))
        }
    }

    /// Every area: its preset in the current mode, its sessions so far, and when it may
    /// next be treated.
    /// With `client`: that client's course, sessions counted per client; the next allowed
    /// date follows the interval guard (the client's sessions in clinical mode, every
    /// session on the area at home).
    func treatmentPlan(client: String? = nil) -> Result<ResultPayload, ProtocolError> {
        guard let recorder = records else { return .failure(Self.noRecords) }
        let mode = loop.status().mode
        let summaries: [AreaSummary]
        let guarding: [AreaSummary]
        do {
            summaries = try recorder.store.sessionsByArea(client: client)
            guarding = mode == .clinical && client != nil ? summaries : try recorder.store.sessionsByArea()
        } catch {
            return .failure(ProtocolError(.storageFailed, "treatment records cannot be read: \(error)"))
        }
        let presets = loop.areaPresets
        let nowS = wallClock.nowUnixMs() / 1000
        var areas: [JSONValue] = []
        for area in TreatmentArea.allCases {
            let preset = presets.preset(for: area)
            let summary = summaries.first { $0.area == area.rawValue }
            var fields: [String: JSONValue] = [
                "area": .string(area.rawValue),
                "available": .bool(preset.depthRange(in: mode) != nil),
                "depth_min_mm": preset.depthRange(in: mode).map { .number($0.lowerBound) } ?? .null,
                "depth_max_mm": preset.depthRange(in: mode).map { .number($0.upperBound) } ?? .null,
                "default_depth_mm": preset.defaultDepth(in: mode).map { .number($0) } ?? .null,
                "speed": .integer(Int64(preset.defaultSpeedLevel)),
                "session_s": .number(preset.defaultSessionS),
                "sessions": .integer(Int64(summary?.sessions ?? 0)),
                "last_session": summary.map { .string(UTCTime.iso8601(unixMs: $0.lastStartMs)) } ?? .null,
                "next_allowed": .null,
            ]
            if let guarded = guarding.first(where: { $0.area == area.rawValue }) {
                let earliestS = guarded.lastStartMs / 1000 + intervalGuard.minimumIntervalS
                fields["next_allowed"] = .string(earliestS <= nowS ? "now" : UTCTime.day(unixS: earliestS))
            }
            areas.append(.object(fields))
        }
        return .success(.json(.object([
            "mode": .string(mode.rawValue),
            "client": client.map { .string($0) } ?? .null,
            "minimum_interval_days": .integer(intervalGuard.minimumIntervalS / 86_400),
            "recommended_sessions": .string("3-4"),
            "areas": .array(areas),
        ])))
    }

    static let noRecords = ProtocolError(.storageFailed, "this daemon keeps no treatment records")
}
