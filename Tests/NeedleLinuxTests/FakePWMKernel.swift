import Foundation
import Glibc

/// A sysfs-like PWM tree in a temporary folder: `pwmchipN/export` is a plain file, and
/// `addChannel` creates `pwmM/` with its attribute files as the kernel would after export.
struct FakePWMTree: Sendable {
    let dir: TempDirectory
    var root: String { dir.path }

    init(chip: Int = 0) throws {
        dir = try TempDirectory()
        try dir.write("", to: "pwmchip\(chip)/export")
    }

    func addChannel(chip: Int = 0, channel: Int = 0, period: UInt64 = 0, duty: UInt64 = 0, enabled: Bool = false, polarity: String = "normal") throws {
        let base = "pwmchip\(chip)/pwm\(channel)/"
        try dir.write("\(period)\n", to: base + "period")
        try dir.write("\(duty)\n", to: base + "duty_cycle")
        try dir.write(enabled ? "1\n" : "0\n", to: base + "enable")
        try dir.write(polarity + "\n", to: base + "polarity")
    }

    /// Plays the kernel's part of `export`: once something is written to the export file,
    /// waits `delay` and creates the channel. Runs on its own thread; gives up after 2 s.
    func exportResponder(chip: Int = 0, delay: TimeInterval) -> Thread {
        let exportPath = root + "/pwmchip\(chip)/export"
        let tree = self
        let thread = Thread {
            let start = Date()
            while Date().timeIntervalSince(start) < 2 {
                if let text = try? String(contentsOfFile: exportPath, encoding: .utf8),
                   let channel = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    Thread.sleep(forTimeInterval: delay)
                    try? tree.addChannel(chip: chip, channel: channel)
                    return
                }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        thread.start()
        return thread
    }
}

/// Records, in order, which files in a folder were written (inotify IN_MODIFY): one entry
/// per write call, which is what the kernel sees as one sysfs store.
final class WriteRecorder {
    private let fd: Int32

    init(watching path: String) throws {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0, inotify_add_watch(fd, path, UInt32(IN_MODIFY)) >= 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    deinit { close(fd) }

    /// The names written since the last call, oldest first.
    func drain() -> [String] {
        var names: [String] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            var offset = 0
            while offset < n {
                let header = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: inotify_event.self) }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let nameBytes = buffer[nameStart..<(nameStart + Int(header.len))].prefix { $0 != 0 }
                names.append(String(decoding: nameBytes, as: UTF8.self))
                offset = nameStart + Int(header.len)
            }
        }
        return names
    }
}
