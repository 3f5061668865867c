/// Reads a cartridge's identity a little at a time, so the control loop (which owns the
/// bus and reads the depth sensor on it every tick) is never held up: each `step` makes at
/// most ONE SMBus transfer, into a fixed buffer, and allocates nothing.
///
/// The loop calls `step(nowNs:present:)` once per tick, after the depth read, with the
/// cartridge-present input, and hands the returned status to the supervisor. When the
/// supervisor asks for the cartridge to be marked used, the loop calls `requestMarkUsed()`.
///
/// Timeline at 1 kHz: a seated cartridge settles for `settleNs` (contacts bounce while it
/// is pushed in), then 29 ticks read the image and the status becomes `.identified`.
/// Marking writes one byte, waits out the 5 ms write cycle, and reads the byte back.
/// Errors are retried from the start up to `maxAttempts` times (a motor on the same cable
/// disturbs the bus), then reported as `.failed` until the cartridge is removed.
public struct CartridgeReader: Sendable {
    public enum Status: Sendable, Equatable {
        /// The cartridge-present input says no cartridge.
        case absent
        /// Seated; the identity is being read (or was not yet started).
        case reading
        case identified(CartridgeIdentity)
        /// The identity could not be read after `maxAttempts` tries, or the used marker
        /// could not be written. Stays until the cartridge is removed.
        case failed(CartridgeError)
    }

    public let eeprom: CartridgeEEPROM
    public private(set) var status: Status = .absent
    /// Whether a used-marker write has been asked for and not yet confirmed.
    public private(set) var markPending = false

    public static let maxAttempts = 3
    /// Wait after the cartridge appears before the first transfer.
    public static let settleNs: UInt64 = 20_000_000
    /// Wait after a failed transfer before trying again.
    public static let retryDelayNs: UInt64 = 10_000_000

    private enum Phase: Sendable {
        case idle
        case read(offset: Int)
        case write
        case verify
    }

    private var phase = Phase.idle
    private var image = CartridgeImage()
    private var attempts = 0
    /// No transfer before this time (settling, retry back-off, write cycle).
    private var notBeforeNs: UInt64 = 0

    public init(eeprom: CartridgeEEPROM) {
        self.eeprom = eeprom
    }

    /// Asks for the used marker to be written once the identity is known (idempotent; a
    /// cartridge already marked is not written again).
    public mutating func requestMarkUsed() {
        markPending = true
    }

    /// Advances by at most one transfer and returns the status.
    @discardableResult
    public mutating func step(nowNs: UInt64, present: Bool) -> Status {
        guard present else {
            status = .absent
            phase = .idle
            markPending = false
            return status
        }
        if case .absent = status {
            status = .reading
            attempts = 0
            image = CartridgeImage()
            phase = .read(offset: 0)
            notBeforeNs = nowNs &+ Self.settleNs
        }
        if case .identified(let identity) = status, identity.used { markPending = false }
        if case .identified = status, markPending, case .idle = phase {
            attempts = 0
            phase = .write
        }
        guard nowNs >= notBeforeNs else { return status }
        switch phase {
        case .idle: break
        case .read(let offset): read(offset: offset, nowNs: nowNs)
        case .write: write(nowNs: nowNs)
        case .verify: verify(nowNs: nowNs)
        }
        return status
    }

    private mutating func read(offset: Int, nowNs: UInt64) {
        do {
            image[offset] = try eeprom.readByte(at: UInt8(offset))
        } catch {
            return retry(error, nowNs: nowNs, restart: .read(offset: 0))
        }
        guard offset + 1 == CartridgeLayout.imageLength else {
            phase = .read(offset: offset + 1)
            return
        }
        switch image.decode() {
        case .success(let identity):
            status = .identified(identity)
            phase = .idle
        case .failure(let error):
            retry(error, nowNs: nowNs, restart: .read(offset: 0))
        }
    }

    private mutating func write(nowNs: UInt64) {
        do {
            try eeprom.markUsed()
        } catch {
            return retry(error, nowNs: nowNs, restart: .write)
        }
        phase = .verify
        notBeforeNs = nowNs &+ CartridgeEEPROM.writeCycleNs
    }

    private mutating func verify(nowNs: UInt64) {
        let marker: UInt8
        do {
            marker = try eeprom.readByte(at: CartridgeLayout.usedOffset)
        } catch {
            return retry(error, nowNs: nowNs, restart: .verify)
        }
        guard marker != CartridgeLayout.unusedMarker, case .identified(var identity) = status else {
            // The write did not take: write again.
            return retry(.markNotWritten, nowNs: nowNs, restart: .write)
        }
        identity.used = true
        status = .identified(identity)
        markPending = false
        phase = .idle
    }

    private mutating func retry(_ error: CartridgeError, nowNs: UInt64, restart: Phase) {
        attempts += 1
        guard attempts < Self.maxAttempts else {
            status = .failed(error)
            phase = .idle
            markPending = false
            return
        }
        phase = restart
        notBeforeNs = nowNs &+ Self.retryDelayNs
    }
}
