import NeedleHAL
import Synchronization

/// An `I2CBus` that plays an ordered script of expected transactions — the
/// embedded-hal-mock pattern. A driver test states exactly which transfers the driver must
/// make, in which order, and what each returns; anything else is a recorded failure.
///
/// This library does not import Testing (it is a plain library target that test targets
/// link); failures are plain strings. A test ends with `#expect(bus.finish() == [])`,
/// which also reports every expectation left unused.
public final class ScriptedI2CBus: I2CBus {
    /// One expected transaction and what the bus answers to it.
    public struct Expectation: Sendable, Equatable, CustomStringConvertible {
        public var operation: SMBusOperation
        public var address: UInt8
        public var result: Result<UInt32, HALError>

        public init(_ operation: SMBusOperation, address: UInt8, result: Result<UInt32, HALError>) {
            self.operation = operation
            self.address = address
            self.result = result
        }

        /// A transaction answered with `value` (writes answer 0; block reads their bytes
        /// packed, the first in the low byte).
        public static func transaction(
            _ operation: SMBusOperation, address: UInt8, returning value: UInt32 = 0
        ) -> Expectation {
            Expectation(operation, address: address, result: .success(value))
        }

        /// An I2C block read of `count` bytes from `register` answered with `bytes`, in the
        /// order the device sends them. Fewer bytes than asked is how a short read looks on
        /// a real adapter; a bus must not hand a partial value to a driver, so the scripted
        /// bus answers it with `shortReadError`, as LinuxI2CBus does.
        public static func blockRead(
            register: UInt8, count: UInt8, address: UInt8, bytes: [UInt8]
        ) -> Expectation {
            let operation = SMBusOperation.readI2CBlockData(register: register, count: count)
            guard bytes.count == Int(count) else {
                return Expectation(operation, address: address, result: .failure(ScriptedI2CBus.shortReadError))
            }
            return Expectation(operation, address: address, result: .success(SMBusBlock.pack(bytes)))
        }

        /// A transaction that fails with `error`.
        public static func transaction(
            _ operation: SMBusOperation, address: UInt8, failing error: HALError
        ) -> Expectation {
            Expectation(operation, address: address, result: .failure(error))
        }

        public var description: String { "\(operation) @\(hex(address))" }
    }

    /// What a mismatched or unexpected call throws, so the driver under test fails too
    /// instead of carrying on with a made-up value.
    public static let mismatchError = HALError(.other, device: "scripted-i2c")

    /// What a block read answered with fewer (or more) bytes than asked throws: a bus error
    /// with EPROTO (71), as LinuxI2CBus reports a short read.
    public static let shortReadError = HALError(.bus, device: "scripted-i2c", errno: 71)

    private struct State {
        var expectations: [Expectation]
        var next = 0
        var failures: [String] = []
    }

    private let state: Mutex<State>

    public init(_ expectations: [Expectation]) {
        state = Mutex(State(expectations: expectations))
    }

    public func perform(_ operation: SMBusOperation, address: UInt8) throws(HALError) -> UInt32 {
        let result: Result<UInt32, HALError> = state.withLock { state in
            let number = state.next + 1
            state.next += 1
            guard number <= state.expectations.count else {
                state.failures.append("unexpected extra call #\(number): \(operation) @\(hex(address))")
                return .failure(Self.mismatchError)
            }
            let expected = state.expectations[number - 1]
            guard expected.operation == operation, expected.address == address else {
                state.failures.append(
                    "call #\(number): expected \(expected), got \(operation) @\(hex(address))")
                return .failure(Self.mismatchError)
            }
            return expected.result
        }
        return try result.get()
    }

    /// Failures recorded so far (mismatches and extra calls), without the unused check.
    public var failures: [String] {
        state.withLock { $0.failures }
    }

    /// Ends the script: every failure so far plus one per expectation never performed.
    /// Empty means the driver did exactly what the script says.
    public func finish() -> [String] {
        state.withLock { state in
            var all = state.failures
            if state.next < state.expectations.count {
                for index in state.next..<state.expectations.count {
                    all.append("expectation #\(index + 1) never performed: \(state.expectations[index])")
                }
            }
            return all
        }
    }

    /// Same as `finish()`; the embedded-hal-mock name.
    public func verifyDone() -> [String] { finish() }
}

private func hex(_ address: UInt8) -> String {
    "0x" + String(address, radix: 16)
}
