#if canImport(Glibc)
import Glibc
#endif

/// Starts the real `needled --simulate` next to this executable, lets it run a moment and
/// reads its resident set size from /proc, then stops it with SIGTERM.
enum DaemonRSS {
    static func measure(executableDirectory: String, settleSeconds: UInt32 = 2) -> Double? {
        let needled = executableDirectory + "/needled"
        guard access(needled, X_OK) == 0 else { return nil }
        let socket = "/tmp/needle-bench-\(getpid()).sock"
        // A state directory of its own: the bench must not write records into (or take the
        // single-instance lock of) the machine's /var/lib/needled.
        var template = Array("/tmp/needle-bench-state-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { return nil }
        let state = String(cString: made)
        defer { removeTree(state) }
        var pid: pid_t = 0
        let argv: [String] = [
            needled, "--simulate", "--socket", socket, "--state-dir", state, "--log-level", "error",
        ]
        var cArgs = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { cArgs.forEach { free($0) } }
        guard posix_spawn(&pid, needled, nil, nil, cArgs, environ) == 0 else { return nil }
        sleep(settleSeconds)
        let rss = readRSSkB(pid: pid)
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return rss.map { Double($0) / 1024 }
    }

    /// Removes the bench's scratch state directory (its files, then the directory).
    private static func removeTree(_ path: String) {
        guard let dir = opendir(path) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { unlink(path + "/" + name) }
        }
        closedir(dir)
        rmdir(path)
    }

    static func readRSSkB(pid: pid_t) -> Int? {
        guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmRSS:") {
                return Int(text.dropFirst(6).filter { $0.isNumber }.map(String.init).joined())
            }
        }
        return nil
    }
}
