/// What a one-page session report shows: the session's facts and how its depth and stroke
/// rate went. Plain values (no I/O, no clock): needlectl fills it from the daemon's reply.
public struct SessionReport: Sendable, Equatable {
    public struct Facts: Sendable, Equatable {
        public var session: Int64
        public var client: String?
        public var area: String?
        public var mode: String
        public var cartridgeSerial: String?
        public var cartridgeLot: String?
        /// ISO 8601 UTC, as the records give them.
        public var startedAt: String
        public var endedAt: String?
        public var endReason: String?
        public var targetDepthMM: Double
        public var toleranceMM: Double
        /// The mode's depth limit (home 1.00, clinical 3.00).
        public var limitMM: Double
        public var targetStrokeRateHz: Double?
        public var speed: Int
        public var strokes: Int
        public var motorOnS: Double
        public var override: Bool

        public init(
            session: Int64, client: String?, area: String?, mode: String, cartridgeSerial: String?,
            cartridgeLot: String?, startedAt: String, endedAt: String?, endReason: String?, targetDepthMM: Double,
            toleranceMM: Double, limitMM: Double, targetStrokeRateHz: Double?, speed: Int, strokes: Int,
            motorOnS: Double, override: Bool
        ) {
            self.session = session
            self.client = client
            self.area = area
            self.mode = mode
            self.cartridgeSerial = cartridgeSerial
            self.cartridgeLot = cartridgeLot
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.endReason = endReason
            self.targetDepthMM = targetDepthMM
            self.toleranceMM = toleranceMM
            self.limitMM = limitMM
            self.targetStrokeRateHz = targetStrokeRateHz
            self.speed = speed
            self.strokes = strokes
            self.motorOnS = motorOnS
            self.override = override
        }
    }

    /// Samples at about 10 Hz: seconds since the session opened, the measured depth (nil:
    /// no trusted reading then) and the stroke rate.
    public struct Sample: Sendable, Equatable {
        public var timeS: Double
        public var depthMM: Double?
        public var strokeRateHz: Double

        public init(timeS: Double, depthMM: Double?, strokeRateHz: Double) {
            self.timeS = timeS
            self.depthMM = depthMM
            self.strokeRateHz = strokeRateHz
        }
    }

    public var facts: Facts
    public var samples: [Sample]

    public init(facts: Facts, samples: [Sample]) {
        self.facts = facts
        self.samples = samples
    }
}
