/// One treatment session as it is kept on disk: one row of `treatment_session`.
///
/// Plain values only (epoch milliseconds, strings, millimetres) so this module needs no
/// other project module and the daemon maps its own types to and from it. A session is
/// *open* while `endReason` is nil; the daemon writes progress into the open row as the
/// session runs and closes it once, after which the row is immutable history.
public struct TreatmentRecord: Sendable, Equatable {
    /// The row id; nil before the session is opened (the database assigns it).
    public var id: Int64?
    /// Unix epoch milliseconds (UTC) when the motor first started.
    public var startedAtMs: Int64
    /// When the session ended; nil while it is open. Set together with `endReason`.
    public var endedAtMs: Int64?
    /// The last progress write. A session the daemon never got to close (killed, power
    /// cut) is closed at start-up as "interrupted" and taken to have ended here.
    public var updatedAtMs: Int64
    /// "home" or "clinical".
    public var mode: String
    /// The treated area, e.g. "forehead"; nil when the session was armed by depth only.
    public var area: String?
    /// The needle depth the session was armed with.
    public var targetDepthMM: Double
    /// Depth measured while the motor ran; nil when there was no valid sample.
    public var depthMinMM: Double?
    public var depthMeanMM: Double?
    public var depthMaxMM: Double?
    public var speedLevel: Int
    public var meanStrokeRateHz: Double?
    public var strokes: Int
    /// Seconds the motor actually ran (not the wall time between start and end).
    public var motorOnS: Double
    /// Nil while open; "completed", "stopped", "interrupted" or a fault code such as
    /// "depth_limit" once closed. Set together with `endedAtMs`.
    public var endReason: String?
    public var cartridgeSerial: String?
    public var cartridgeLot: String?
    /// A clinician overrode an area limit or the interval guard for this session.
    public var override: Bool
    /// The uid of the control-socket client that armed the session.
    public var peerUID: Int?
    /// Whom the session treated: the clinic's pseudonymous reference (nil at home).
    public var client: String?
    /// `simulated` or `linux`: whether the session ran on the simulated pen (nil in rows
    /// written before issue 12).
    public var backend: String?

    /// Everything but the start, mode, depth and speed defaults to what a session that has
    /// just opened looks like: no id yet, no end, no samples, no strokes.
    public init(
        id: Int64? = nil,
        startedAtMs: Int64,
        endedAtMs: Int64? = nil,
        updatedAtMs: Int64,
        mode: String,
        area: String? = nil,
        targetDepthMM: Double,
        depthMinMM: Double? = nil,
        depthMeanMM: Double? = nil,
        depthMaxMM: Double? = nil,
        speedLevel: Int,
        meanStrokeRateHz: Double? = nil,
        strokes: Int = 0,
        motorOnS: Double = 0,
        endReason: String? = nil,
        cartridgeSerial: String? = nil,
        cartridgeLot: String? = nil,
        override: Bool = false,
        peerUID: Int? = nil,
        client: String? = nil,
        backend: String? = nil
    ) {
        self.client = client
        self.backend = backend
        self.id = id
        self.startedAtMs = startedAtMs
        self.endedAtMs = endedAtMs
        self.updatedAtMs = updatedAtMs
        self.mode = mode
        self.area = area
        self.targetDepthMM = targetDepthMM
        self.depthMinMM = depthMinMM
        self.depthMeanMM = depthMeanMM
        self.depthMaxMM = depthMaxMM
        self.speedLevel = speedLevel
        self.meanStrokeRateHz = meanStrokeRateHz
        self.strokes = strokes
        self.motorOnS = motorOnS
        self.endReason = endReason
        self.cartridgeSerial = cartridgeSerial
        self.cartridgeLot = cartridgeLot
        self.override = override
        self.peerUID = peerUID
    }

    /// True once the session has an end reason; closed rows are never written again.
    public var isClosed: Bool { endReason != nil }
}
