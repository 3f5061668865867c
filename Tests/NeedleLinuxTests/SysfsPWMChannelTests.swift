import Foundation
import NeedleHAL
import Testing

@testable import NeedleLinux

@Suite("SysfsPWMChannel against a temporary sysfs tree")
struct SysfsPWMChannelTests {
    @Test("exports a missing channel and waits for its files")
    func exportsAndWaits() throws {
        let tree = try FakePWMTree()
        let responder = tree.exportResponder(delay: 0.05)
        let pwm = try SysfsPWMChannel(chip: 0, channel: 0, sysfsRoot: tree.root, exportTimeout: .seconds(1))
        _ = responder
        #expect(try tree.dir.firstLine("pwmchip0/export") == "0")
        #expect(pwm.path == tree.root + "/pwmchip0/pwm0")
        #expect(try tree.dir.firstLine("pwmchip0/pwm0/enable") == "0")
    }

    @Test("times out, naming the channel, when the files never appear")
    func timesOut() throws {
        let tree = try FakePWMTree()
        let start = Date()
        #expect(throws: LinuxBackendError.pwmChannelTimeout(path: tree.root + "/pwmchip0/pwm0", waitedMs: 150)) {
            _ = try SysfsPWMChannel(sysfsRoot: tree.root, exportTimeout: .milliseconds(150))
        }
        let waited = Date().timeIntervalSince(start)
        #expect(waited >= 0.15 && waited < 1.0)
        // The channel was asked for, even though the "kernel" never answered.
        #expect(try tree.dir.firstLine("pwmchip0/export") == "0")
    }

    @Test("a missing chip is a clear error naming it")
    func missingChip() throws {
        let tree = try FakePWMTree()
        let error = #expect(throws: LinuxBackendError.self) {
            _ = try SysfsPWMChannel(chip: 3, sysfsRoot: tree.root)
        }
        #expect(error == .pwmChipNotFound(path: tree.root + "/pwmchip3"))
        #expect(error?.description.contains("pwmchip3") == true)
    }

    @Test("writes period before duty when growing, duty before period when shrinking, only changes")
    func writeOrder() throws {
        let tree = try FakePWMTree()
        try tree.addChannel()
        let pwm = try SysfsPWMChannel(sysfsRoot: tree.root, polarity: .normal)
        let recorder = try WriteRecorder(watching: tree.root + "/pwmchip0/pwm0")
        var model = KernelModel(period: 0, duty: 0, enabled: false)

        func step(_ state: PWMState, expect files: [String]) throws {
            try pwm.apply(state)
            let written = recorder.drain()
            #expect(written == files, "after applying \(state)")
            // Replay the writes: the kernel refuses any moment where duty exceeds period.
            for file in written { try model.write(file, from: tree) }
        }

        try step(PWMState(periodNs: 50_000, dutyNs: 25_000, enabled: true), expect: ["period", "duty_cycle", "enable"])
        try step(PWMState(periodNs: 50_000, dutyNs: 25_000, enabled: true), expect: [])
        try step(PWMState(periodNs: 50_000, dutyNs: 10_000, enabled: true), expect: ["duty_cycle"])
        try step(PWMState(periodNs: 20_000, dutyNs: 15_000, enabled: true), expect: ["duty_cycle", "period"])
        try step(PWMState(periodNs: 100_000, dutyNs: 80_000, enabled: true), expect: ["period", "duty_cycle"])
        try step(PWMState(periodNs: 100_000, dutyNs: 0, enabled: false), expect: ["enable", "duty_cycle"])
        #expect(model == KernelModel(period: 100_000, duty: 0, enabled: false))

        pwm.close()
        #expect(recorder.drain() == ["enable"])
        #expect(try tree.dir.firstLine("pwmchip0/pwm0/enable") == "0")
        #expect(throws: HALError(.unavailable, device: "pwm", errno: EBADF)) { try pwm.apply(.off) }
    }

    @Test("a running channel is stopped before its polarity is set")
    func polarityWhileDisabled() throws {
        let tree = try FakePWMTree()
        try tree.addChannel(period: 1_000, duty: 500, enabled: true, polarity: "normal")
        let recorder = try WriteRecorder(watching: tree.root + "/pwmchip0/pwm0")
        let pwm = try SysfsPWMChannel(sysfsRoot: tree.root, polarity: .inversed)
        #expect(recorder.drain() == ["enable", "polarity"])
        #expect(try tree.dir.firstLine("pwmchip0/pwm0/enable") == "0")
        #expect(try tree.dir.firstLine("pwmchip0/pwm0/polarity") == "inversed")
        // It starts from what the kernel held: shrinking from period 1000 writes duty first.
        try pwm.apply(PWMState(periodNs: 800, dutyNs: 400, enabled: false))
        #expect(recorder.drain() == ["duty_cycle", "period"])
    }

    @Test("an unchanged polarity is not rewritten")
    func polarityUnchanged() throws {
        let tree = try FakePWMTree()
        try tree.addChannel(polarity: "inversed")
        let recorder = try WriteRecorder(watching: tree.root + "/pwmchip0/pwm0")
        _ = try SysfsPWMChannel(sysfsRoot: tree.root, polarity: .inversed)
        #expect(recorder.drain() == ["enable"])
    }

    @Test("a failed write throws a HAL error and is retried by the next apply")
    func failedWrite() throws {
        let tree = try FakePWMTree()
        try tree.addChannel()
        let pwm = try SysfsPWMChannel(sysfsRoot: tree.root, device: "motor-pwm")
        // Swap the channel's open duty_cycle descriptor for /dev/full, which fails every
        // write with ENOSPC, like a kernel refusing a value.
        let dutyPath = tree.root + "/pwmchip0/pwm0/duty_cycle"
        let dutyFD = try redirectOpenFile(dutyPath, to: "/dev/full")
        #expect(throws: HALError(.other, device: "motor-pwm", errno: ENOSPC)) {
            try pwm.apply(PWMState(periodNs: 50_000, dutyNs: 1_000, enabled: true))
        }
        // Not enabled: the enable write comes after the failed one and must not have happened.
        #expect(try tree.dir.firstLine("pwmchip0/pwm0/enable") == "0")
        #expect(try tree.dir.firstLine("pwmchip0/pwm0/period") == "50000")
        // The "kernel" takes values again: the next apply retries the duty, not the period
        // that already took, then enables.
        try redirect(dutyFD, to: dutyPath)
        let recorder = try WriteRecorder(watching: tree.root + "/pwmchip0/pwm0")
        try pwm.apply(PWMState(periodNs: 50_000, dutyNs: 1_000, enabled: true))
        #expect(recorder.drain() == ["duty_cycle", "enable"])
        #expect(try tree.dir.firstLine("pwmchip0/pwm0/duty_cycle") == "1000")
    }

    @Test("an attribute the backend cannot parse is named in the error")
    func unreadableAttribute() throws {
        let tree = try FakePWMTree()
        try tree.addChannel()
        try tree.dir.write("garbage\n", to: "pwmchip0/pwm0/period")
        #expect(throws: LinuxBackendError.pwmAttributeUnreadable(path: tree.root + "/pwmchip0/pwm0/period", content: "garbage")) {
            _ = try SysfsPWMChannel(sysfsRoot: tree.root)
        }
    }
}

/// What the PWM core would hold after each store, refusing duty > period as it does.
struct KernelModel: Equatable {
    var period: UInt64
    var duty: UInt64
    var enabled: Bool

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    mutating func write(_ file: String, from tree: FakePWMTree) throws {
        let value = UInt64(try tree.dir.firstLine("pwmchip0/pwm0/" + file)) ?? .max
        var next = self
        switch file {
        case "period": next.period = value
        case "duty_cycle": next.duty = value
        case "enable": next.enabled = value != 0
        default: return
        }
        guard next.duty <= next.period else {
            throw Refused(description: "kernel refuses \(file)=\(value): duty \(next.duty) > period \(next.period)")
        }
        self = next
    }
}

/// Points this process's open descriptor of `path` at `replacement` (dup2), so a backend
/// that keeps files open meets a failing file without any hook in its code.
@discardableResult
func redirectOpenFile(_ path: String, to replacement: String) throws -> Int32 {
    let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
    let target = try #require(fds.compactMap(Int32.init).first {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path
    }, "no open descriptor of \(path)")
    try redirect(target, to: replacement)
    return target
}

/// Makes descriptor `fd` refer to a fresh write-only open of `path`.
func redirect(_ fd: Int32, to path: String) throws {
    let replacementFD = open(path, O_WRONLY | O_CLOEXEC)
    try #require(replacementFD >= 0)
    defer { close(replacementFD) }
    try #require(dup2(replacementFD, fd) == fd)
}
