import Foundation
@testable import NeedleRecords
import Testing

/// A session as the daemon would open it: started, no samples yet.
func openSession(
    area: String? = "forehead", startedAtMs: Int64 = 1_700_000_000_000, mode: String = "home"
) -> TreatmentRecord {
    TreatmentRecord(
        startedAtMs: startedAtMs, updatedAtMs: startedAtMs, mode: mode, area: area,
        targetDepthMM: 0.5, speedLevel: 3)
}

/// Opens `record` and closes it at once as "completed", returning it as stored.
func recordClosedSession(_ store: TreatmentRecordStore, _ record: TreatmentRecord) throws -> TreatmentRecord {
    var stored = record
    stored.id = try store.open(record)
    stored.updatedAtMs = record.startedAtMs + 60_000
    stored.endedAtMs = stored.updatedAtMs
    stored.endReason = "completed"
    try store.update(stored)
    return stored
}

/// The error `body` threw, or nil if it returned. Untyped so that it can be called inside
/// `#expect`, whose expansion loses a closure's typed throws; anything but a
/// RecordStoreError is recorded as an issue.
func storeError(_ body: () throws -> Void) -> RecordStoreError? {
    do {
        try body()
        return nil
    } catch let error as RecordStoreError {
        return error
    } catch {
        Issue.record("not a RecordStoreError: \(error)")
        return nil
    }
}

/// Runs `body` with a fresh directory under /tmp for its database files, and removes the
/// directory afterwards, whether `body` returned or threw.
func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
    let path = "/tmp/needle-records-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try body(path)
}

/// The identifiers in the file's migrations table, in the order they were recorded.
func migrationRows(_ store: TreatmentRecordStore) throws -> [String] {
    try store.read("read the migrations table") { db in
        try db.fetchAll("SELECT identifier FROM grdb_migrations ORDER BY rowid") { row in
            try row.value("identifier") as String
        }
    }
}

/// Copies the files of fixture `name` (Fixtures/name and any Fixtures/name-wal) into
/// `directory` and returns the copy's path: opening a records file writes to it.
func copyFixture(_ name: String, into directory: String) throws -> String {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    let copy = "\(directory)/treatments.sqlite"
    try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent(name).path, toPath: copy)
    let wal = fixtures.appendingPathComponent(name + "-wal").path
    if FileManager.default.fileExists(atPath: wal) {
        try FileManager.default.copyItem(atPath: wal, toPath: copy + "-wal")
    }
    return copy
}
