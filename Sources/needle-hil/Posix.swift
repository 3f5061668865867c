#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes a line to stdout at once (unbuffered: the VM's console must show every step even
/// if the guest dies next). Shadows the standard `print` in this module.
func print(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; return }
        offset += n
    }
}

/// Small POSIX helpers: the runner has no Foundation (it is linked statically into the VM).
enum Posix {
    /// CLOCK_MONOTONIC in nanoseconds.
    static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    static func sleep(ns: UInt64) {
        var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        var rest = timespec()
        while nanosleep(&ts, &rest) != 0 && errno == EINTR { ts = rest }
    }

    static func errnoText(_ e: Int32 = errno) -> String {
        guard let text = strerror(e) else { return "errno \(e)" }
        return String(cString: text) + " (errno \(e))"
    }

    /// The whole file, or nil.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to `path` (created, truncated). Returns nil or an error text.
    @discardableResult
    static func write(_ text: String, to path: String, create: Bool = false) -> String? {
        let flags = O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : 0)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { return "\(path): \(errnoText())" }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        return n == bytes.count ? nil : "\(path): \(errnoText())"
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func mkdirs(_ path: String) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            mkdir(current, 0o755)
        }
    }

    /// Names in a directory (without . and ..), or nil.
    static func entries(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func firstLine(_ path: String) -> String? {
        read(path).map { String($0.split(separator: "\n", omittingEmptySubsequences: false).first ?? "") }
    }
}

/// A child process started with posix_spawn; stdout and stderr go to one file.
final class Child {
    let pid: pid_t
    let outputPath: String
    private(set) var exit: Termination?

    enum Termination: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    init(path: String, arguments: [String], outputPath: String) throws(HILError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal handling and an empty mask whatever ours is.
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw .spawn("\(path): \(Posix.errnoText(rc))") }
        self.pid = pid
        self.outputPath = outputPath
    }

    /// Polls for the exit; nil while it runs.
    func poll() -> Termination? {
        if let exit { return exit }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return nil }
        let low = status & 0x7f
        exit = low == 0 ? .exited((status >> 8) & 0xff) : .signalled(low)
        return exit
    }

    /// Waits up to `timeoutNs` for the exit.
    func wait(timeoutNs: UInt64) -> Termination? {
        let deadline = Posix.nowNs() + timeoutNs
        while true {
            if let t = poll() { return t }
            if Posix.nowNs() >= deadline { return nil }
            Posix.sleep(ns: 1_000_000)
        }
    }

    func signal(_ signal: Int32) {
        if poll() == nil { kill(pid, signal) }
    }

    var output: String { Posix.read(outputPath) ?? "" }

    /// Runs a program to completion and returns its termination and output.
    static func run(path: String, arguments: [String], outputPath: String, timeoutNs: UInt64) throws(HILError)
        -> (Termination, String)
    {
        let child = try Child(path: path, arguments: arguments, outputPath: outputPath)
        guard let termination = child.wait(timeoutNs: timeoutNs) else {
            child.signal(SIGKILL)
            _ = child.wait(timeoutNs: 1_000_000_000)
            throw .timeout("\(path) \(arguments.joined(separator: " ")) did not finish in \(timeoutNs / 1_000_000) ms")
        }
        return (termination, child.output)
    }
}

enum HILError: Error, CustomStringConvertible {
    case spawn(String)
    case timeout(String)
    case socket(String)
    case scenario(String)
    case world(String)

    var description: String {
        switch self {
        case .spawn(let m): "cannot start \(m)"
        case .timeout(let m): m
        case .socket(let m): "control socket: \(m)"
        case .scenario(let m): m
        case .world(let m): "world: \(m)"
        }
    }
}
