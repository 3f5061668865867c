/// Where the self-test stands, as `status` reports it:
/// `{"result":"not_run"|"running"|"passed"|"failed","step":…,"motor":…}`. `step` is the step
/// running or the one that failed (`sensor`, `steady`, `cartridge`, `motor`, `heartbeat`), else
/// null. `motor` is the spin step's own verdict: `not_run` (the power-on test never spins the
/// motor; `needlectl selftest` does), `skipped_uncalibrated`, `running`, `passed`, `failed`.
public struct SelfTestReport: Sendable, Hashable, Codable {
    public enum Result: String, Codable, Sendable, CaseIterable, Hashable {
        case notRun = "not_run"
        case running
        case passed
        case failed
    }

    public var result: Result
    /// A string, not an enum: a newer daemon may add steps, and a client only shows it.
    public var step: String?
    /// A string for the same reason; nil from a daemon that does not report it.
    public var motor: String?

    public init(result: Result, step: String? = nil, motor: String? = nil) {
        self.result = result
        self.step = step
        self.motor = motor
    }

    public static let notRun = SelfTestReport(result: .notRun)

    enum CodingKeys: String, CodingKey { case result, step, motor }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(result, forKey: .result)
        try container.encodeNullable(step, forKey: .step)
        try container.encodeIfPresent(motor, forKey: .motor)
    }
}
