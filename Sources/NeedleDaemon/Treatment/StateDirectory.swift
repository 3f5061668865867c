#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NeedleCore

/// The daemon's state directory (`daemon.state_directory`, `--state-dir`; DESIGN.md §5:
/// `/var/lib/needled/`) and what start-up reads from it. Only start-up and `calibrate span`
/// touch it, never the control loop.
struct StateDirectory: Sendable {
    let path: String

    /// The depth calibration's file.
    var calibrationStore: CalibrationStore { CalibrationStore(path: path + "/calibration") }

    /// Makes sure `path` is a directory, creating it (0750: the calibration is the pen's
    /// business, not every user's) when it is missing. Only the last component is created:
    /// a mistyped parent should stop start-up, not grow a tree somewhere unexpected.
    /// - Returns: whether the daemon may write there (if not, `calibrate span` will be
    ///   refused with `storage_failed`, which the caller warns about now).
    static func prepare(_ path: String) throws(DaemonError) -> (StateDirectory, writable: Bool) {
        var info = stat()
        if stat(path, &info) != 0 {
            let e = errno
            // ENOTDIR: a parent is a file; mkdir below says so in its own words.
            guard e == ENOENT || e == ENOTDIR else {
                throw .state(path: path, reason: "cannot inspect it: \(describe(e))")
            }
            if mkdir(path, 0o750) != 0, errno != EEXIST {
                let e = errno
                throw .state(
                    path: path,
                    reason: "it does not exist and cannot be created: \(describe(e)); create it, or choose another with "
                        + "daemon.state_directory or --state-dir")
            }
            guard stat(path, &info) == 0 else { throw .state(path: path, reason: "cannot inspect it: \(describe(errno))") }
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .state(path: path, reason: "it is not a directory") }
        return (StateDirectory(path: path), access(path, W_OK | X_OK) == 0)
    }

    /// The calibration stored by an earlier `calibrate span`, nil when there is none.
    /// - Throws: a file that is there but unreadable, malformed or unusable stops start-up:
    ///   guessing a depth scale is not an option on a pen.
    func storedCalibration() throws(DaemonError) -> DepthCalibration? {
        let store = calibrationStore
        switch store.load() {
        case .success(let calibration): return calibration
        case .failure(let error):
            throw .state(
                path: store.path,
                reason: "cannot load the stored depth calibration: \(error); repair or remove the file "
                    + "(then calibrate again)")
        }
    }

    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }
}
