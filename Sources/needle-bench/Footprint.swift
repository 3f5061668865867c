#if canImport(Glibc)
import Glibc
#endif

/// What the pen has to store and load: the stripped static needled (Swift stdlib linked
/// in, as the .deb and the VM rig ship it) and the .deb, when this checkout has built
/// them (`scripts/package-deb` into .build-release, `hardware/vm-rig/run` into .build-vm).
/// The bench builds neither: a release build for the bench is not a static one.
enum Footprint {
    struct Figures {
        /// The static needled measured, and its size once stripped (nil: none built).
        var staticNeedled: String?
        var strippedBytes: Int?
        var deb: String?
        var debBytes: Int?
    }

    static func measure(executableDirectory: String, staticNeedled: String?) -> Figures {
        var figures = Figures()
        let root = packageRoot(from: executableDirectory)
        let candidates = staticNeedled.map { [$0] }
            ?? root.map { [$0 + "/.build-release/release/needled", $0 + "/.build-vm/release/needled"] } ?? []
        if let found = candidates.first(where: { access($0, R_OK) == 0 }) {
            figures.staticNeedled = found
            figures.strippedBytes = strippedSize(of: found)
        }
        if let root, let deb = newestDeb(in: root + "/.build-release/deb") {
            figures.deb = deb
            figures.debBytes = fileSize(deb)
        }
        return figures
    }

    /// The nearest directory above `directory` that holds Package.swift.
    static func packageRoot(from directory: String) -> String? {
        var path = directory
        while !path.isEmpty, path != "/" {
            if access(path + "/Package.swift", R_OK) == 0 { return path }
            path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        }
        return nil
    }

    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Strips a copy with strip(1) and measures it: what `install -s` puts into the .deb.
    static func strippedSize(of path: String) -> Int? {
        let copy = "/tmp/needle-bench-stripped-\(getpid())"
        defer { unlink(copy) }
        var pid: pid_t = 0
        let arguments: [String] = ["strip", "-o", copy, path]
        var argv = arguments.map { strdup($0) }
        argv.append(nil)
        defer { argv.forEach { free($0) } }
        guard posix_spawnp(&pid, "strip", nil, nil, argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status == 0 ? fileSize(copy) : nil
    }

    /// The newest needled_*.deb in `directory` (package-deb keeps only the last one).
    static func newestDeb(in directory: String) -> String? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var newest: (path: String, time: Int)?
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix("needled_"), name.hasSuffix(".deb") else { continue }
            var info = stat()
            let path = directory + "/" + name
            guard stat(path, &info) == 0 else { continue }
            if newest.map({ info.st_mtim.tv_sec > $0.time }) ?? true { newest = (path, info.st_mtim.tv_sec) }
        }
        return newest?.path
    }
}
