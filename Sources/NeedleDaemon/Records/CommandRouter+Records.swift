import NeedleCore
import NeedleProtocol
import NeedleRecords

/// The commands and checks that read the treatment records: the interval guard on `arm`,
/// `history` and `plan`.
extension CommandRouter {
    /// Refuses an arm on an area treated within the minimum interval (`too_soon`, naming
    /// the earliest date), unless a clinician in clinical mode overrides; nil to go on.
    /// A store that cannot be read refuses too: the pen cannot tell whether it is too soon.
    func intervalRefusal(area: String?, override: Bool) -> ProtocolError? {
        guard let recorder = records else { return nil }
        if let failure = recorder.failure {
            return ProtocolError(.storageFailed, "treatment records cannot be written (\(failure)); no session is started that cannot be recorded")
        }
        // Unknown areas are the supervisor's refusal (unknown_area); an area-less plan has no interval.
        guard let name = area, let known = TreatmentArea(name: name) else { return nil }
        let lastMs: Int64?
        do { lastMs = try recorder.store.lastStartMs(area: known.rawValue) } catch {
            return ProtocolError(.storageFailed, "treatment records cannot be read: \(error)")
        }
        guard let lastMs else { return nil }
        let mode = loop.status().mode
        let nowS = wallClock.nowUnixMs() / 1000
        switch intervalGuard.check(pastSessionsS: [lastMs / 1000], nowS: nowS, mode: mode, override: override) {
        case .allowed, .allowedByOverride: return nil
        case .tooSoon(let earliestS):
            let refusal = intervalGuard.refusal(area: known.rawValue, earliestS: earliestS, mode: mode)
            return ProtocolError(.tooSoon, refusal.message)
        }
    }

    func history(_ arguments: HistoryArguments) -> Result<ResultPayload, ProtocolError> {
        guard let recorder = records else { return .failure(Self.noRecords) }
        do {
            let rows = try recorder.store.history(area: arguments.area, sinceMs: arguments.sinceS.map { $0 * 1000 })
            return .success(.json(.object(["sessions": .array(rows.map(RecordWire.json))])))
        } catch {
            return .failure(ProtocolError(.storageFailed, "treatment records cannot be read: \(error)"))
        }
    }

    /// Every area: its preset in the current mode, its sessions so far, and when it may
    /// next be treated.
    func treatmentPlan() -> Result<ResultPayload, ProtocolError> {
        guard let recorder = records else { return .failure(Self.noRecords) }
        let summaries: [AreaSummary]
        do { summaries = try recorder.store.sessionsByArea() } catch {
            return .failure(ProtocolError(.storageFailed, "treatment records cannot be read: \(error)"))
        }
        let mode = loop.status().mode
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
            if let summary {
                let earliestS = summary.lastStartMs / 1000 + intervalGuard.minimumIntervalS
                fields["next_allowed"] = .string(earliestS <= nowS ? "now" : UTCTime.day(unixS: earliestS))
            }
            areas.append(.object(fields))
        }
        return .success(.json(.object([
            "mode": .string(mode.rawValue),
            "minimum_interval_days": .integer(intervalGuard.minimumIntervalS / 86_400),
            "recommended_sessions": .string("3-4"),
            "areas": .array(areas),
        ])))
    }

    static let noRecords = ProtocolError(.storageFailed, "this daemon keeps no treatment records")
}
