/// How often one area has been treated and when: what the interval guard and
/// `needlectl plan` need without reading every row.
public struct AreaSummary: Sendable, Equatable {
    public var area: String
    /// Sessions recorded for the area, open and closed, whatever their end reason.
    public var sessions: Int
    /// Start of the area's first and last session (Unix epoch milliseconds, UTC).
    public var firstStartMs: Int64
    public var lastStartMs: Int64

    public init(area: String, sessions: Int, firstStartMs: Int64, lastStartMs: Int64) {
        self.area = area
        self.sessions = sessions
        self.firstStartMs = firstStartMs
        self.lastStartMs = lastStartMs
    }
}
