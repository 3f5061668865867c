import Glibc

/// Counts checks and prints one line per check, in a form run-probe greps for.
final class Probe {
    private(set) var passed = 0
    private(set) var failed = 0

    func check(_ name: String, _ ok: Bool, _ detail: @autoclosure () -> String = "") {
        if ok {
            passed += 1
            emit("PASS \(name)")
        } else {
            failed += 1
            emit("FAIL \(name)\(detail().isEmpty ? "" : ": " + detail())")
        }
    }

    /// Runs a step that may throw; a throw is a failed check naming the error.
    func step(_ name: String, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            check(name, false, "threw \(error)")
        }
    }
}

/// The simulator's side of a gpio-sim line: what an output drives, and the pull that moves
/// an input (sysfs, /sys/devices/platform/gpio-sim.N/gpiochipM/sim_gpioK).
struct SimLine {
    let dir: String

    /// Finds the world side of `offset` on the chip named `chipName` ("gpiochip0").
    static func find(chipName: String, offset: UInt32) -> SimLine? {
        for platform in entries("/sys/devices/platform") where platform.hasPrefix("gpio-sim.") {
            let dir = "/sys/devices/platform/\(platform)/\(chipName)/sim_gpio\(offset)"
            if access(dir, F_OK) == 0 { return SimLine(dir: dir) }
        }
        return nil
    }

    var value: String { readFirstLine(dir + "/value") }
    var pull: String { readFirstLine(dir + "/pull") }

    func setPull(up: Bool) {
        writeFile(dir + "/pull", up ? "pull-up" : "pull-down")
    }
}

func entries(_ path: String) -> [String] {
    guard let d = opendir(path) else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
        let name = withUnsafePointer(to: e.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        names.append(name)
    }
    return names
}

func readFirstLine(_ path: String) -> String {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return "<unreadable \(path)>" }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { return "" }
    return String(decoding: buffer[0..<n].prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
}

@discardableResult
func writeFile(_ path: String, _ text: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
}

func mkdirs(_ path: String) {
    var partial = ""
    for part in path.split(separator: "/") {
        partial += "/" + part
        mkdir(partial, 0o755)
    }
}

/// Sleeps long enough for gpio-sim's interrupt to be handled and queued.
func settle() {
    usleep(20_000)
}

/// Writes one line straight to fd 1: unbuffered, so a crash still leaves every line before
/// it on the VM's console.
func emit(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return write(1, base + offset, raw.count - offset)
        }
        if n <= 0 { return }
        offset += n
    }
}
