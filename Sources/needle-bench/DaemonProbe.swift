#if canImport(Glibc)
import Glibc
#endif

/// Starts the real `needled --simulate` next to this executable, as systemd would with
/// `Type=notify`: `$NOTIFY_SOCKET` names a datagram socket of the bench's own. Measures the
/// start-up (exec to READY=1, which needled sends once the loop runs, the power-on
/// self-test is done and the control socket listens), then, after `settleSeconds`, its
/// resident memory and how much of it is locked, from /proc, and stops it with SIGTERM.
enum DaemonProbe {
    struct Figures {
        var startupMs: Double?
        var rssMiB: Double?
        /// Resident pages in locked mappings (smaps: Rss of the VMAs flagged `lo`). Under
        /// mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) every mapping is locked and a page
        /// is locked once touched, so this is all of RSS when the lock was granted, 0 when
        /// not. (VmLck counts whole locked mappings, touched or not: hundreds of MB of
        /// reserved stacks and heap that use no memory.)
        var lockedMiB: Double?
    }

    static func measure(executableDirectory: String, settleSeconds: UInt32 = 2) -> Figures? {
        let needled = executableDirectory + "/needled"
        guard access(needled, X_OK) == 0 else { return nil }
        let socket = "/tmp/needle-bench-\(getpid()).sock"
        // A state directory of its own: the bench must not write records into (or take the
        // single-instance lock of) the machine's /var/lib/needled.
        var template = Array("/tmp/needle-bench-state-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { return nil }
        let state = String(cString: made)
        defer { removeTree(state) }
        let notifyPath = state + "/notify.sock"
        guard let notify = NotifyListener(path: notifyPath) else { return nil }
        defer { notify.close() }

        var pid: pid_t = 0
        let argv: [String] = [
            needled, "--simulate", "--socket", socket, "--state-dir", state, "--log-level", "error",
        ]
        var cArgs = argv.map { strdup($0) }
        cArgs.append(nil)
        var environment: [UnsafeMutablePointer<CChar>?] = [strdup("NOTIFY_SOCKET=" + notifyPath)]
        var entry = environ
        while let variable = entry.pointee {
            if !String(cString: variable).hasPrefix("NOTIFY_SOCKET=") { environment.append(strdup(variable)) }
            entry += 1
        }
        environment.append(nil)
        defer {
            cArgs.forEach { free($0) }
            environment.forEach { free($0) }
        }
        let spawnedNs = monotonicNs()
        guard posix_spawn(&pid, needled, nil, nil, cArgs, environment) == 0 else { return nil }
        let readyNs = notify.waitForReady(timeoutMs: 15_000)
        sleep(settleSeconds)
        let figures = Figures(
            startupMs: readyNs.map { Double($0 - spawnedNs) / 1e6 },
            rssMiB: readStatuskB(pid: pid, field: "VmRSS:").map { Double($0) / 1024 },
            lockedMiB: lockedResidentkB(pid: pid).map { Double($0) / 1024 })
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return figures
    }

    static func monotonicNs() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Removes the bench's scratch state directory (its files, then the directory).
    static func removeTree(_ path: String) {
        guard let dir = opendir(path) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { unlink(path + "/" + name) }
        }
        closedir(dir)
        rmdir(path)
    }

    /// The sum of `Rss:` over the mappings of /proc/PID/smaps whose VmFlags hold `lo`.
    static func lockedResidentkB(pid: pid_t) -> Int? {
        guard let file = fopen("/proc/\(pid)/smaps", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 1024)
        var rss = 0
        var locked = 0
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("Rss:") {
                rss = Int(text.dropFirst(4).filter { $0.isNumber }) ?? 0
            } else if text.hasPrefix("VmFlags:"), text.split(separator: " ").contains("lo") {
                locked += rss
            }
        }
        return locked
    }

    /// A `kB` line of /proc/PID/status (`VmRSS:`).
    static func readStatuskB(pid: pid_t, field: String) -> Int? {
        guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix(field) {
                return Int(text.dropFirst(field.count).filter { $0.isNumber }.map(String.init).joined())
            }
        }
        return nil
    }
}

/// The bench's end of `$NOTIFY_SOCKET`: an AF_UNIX datagram socket bound to a path.
struct NotifyListener {
    let fd: Int32

    init?(path: String) {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            Glibc.close(fd)
            return nil
        }
    }

    /// The monotonic time a datagram holding `READY=1` arrived, or nil after `timeoutMs`.
    func waitForReady(timeoutMs: Int) -> UInt64? {
        let deadline = DaemonProbe.monotonicNs() + UInt64(timeoutMs) * 1_000_000
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let now = DaemonProbe.monotonicNs()
            guard now < deadline else { return nil }
            var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, Int32((deadline - now) / 1_000_000) + 1) > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            let arrived = DaemonProbe.monotonicNs()
            guard count > 0 else { continue }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            if message.split(separator: "\n").contains("READY=1") { return arrived }
        }
    }

    func close() {
        Glibc.close(fd)
    }
}
