#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NeedleCore

/// The pen's depth calibration on disk (DESIGN.md §5: `/var/lib/needled/`), written
/// atomically: a temporary file in the same directory is written and fsync'd, renamed over
/// the old file, and the directory fsync'd so the rename itself survives a power cut. A
/// crash at any point leaves either the old file or the new one, never a mix; a leftover
/// temporary file is simply overwritten next time. A missing file means "uncalibrated".
///
/// The file is a few `key=value` lines (doubles in Swift's shortest round-trip form):
/// ```
/// # needled depth calibration
/// version=1
/// zero_counts=512.0
/// mm_per_count=0.001
/// ```
/// Not for the control loop: it allocates and blocks on the disk.
public struct CalibrationStore: Sendable {
    public static let defaultPath = "/var/lib/needled/calibration"

    public let path: String

    public init(path: String = CalibrationStore.defaultPath) {
        self.path = path
    }

    /// Where a save writes before renaming.
    var temporaryPath: String { path + ".tmp" }

    /// The stored calibration, nil when none was ever stored.
    public func load() -> Result<DepthCalibration?, CalibrationStoreError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return errno == ENOENT ? .success(nil) : .failure(.io(.open, errno: errno))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.io(.read, errno: errno))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 4096 { return .failure(.malformed("the file is larger than 4 KiB")) }
        }
        return Self.parse(String(decoding: bytes, as: UTF8.self)).map { $0 }
    }

    /// Stores `calibration` atomically (see the type's note).
    public func save(_ calibration: DepthCalibration) -> Result<Void, CalibrationStoreError> {
        if let problem = CalibrationMath.problem(with: calibration) { return .failure(.unusable(problem)) }
        if case .failure(let error) = writeTemporary(Self.render(calibration)) { return .failure(error) }
        guard rename(temporaryPath, path) == 0 else { return .failure(.io(.rename, errno: errno)) }
        return syncDirectory()
    }

    /// Writes and fsyncs the temporary file: the first half of a save (a crash after it
    /// leaves the old calibration in place).
    func writeTemporary(_ text: String) -> Result<Void, CalibrationStoreError> {
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .failure(.io(.open, errno: errno)) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + written, buffer.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.io(.write, errno: errno))
            }
            written += n
        }
        guard fsync(fd) == 0 else { return .failure(.io(.fsync, errno: errno)) }
        return .success(())
    }

    private func syncDirectory() -> Result<Void, CalibrationStoreError> {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.io(.fsyncDirectory, errno: errno)) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { return .failure(.io(.fsyncDirectory, errno: errno)) }
        return .success(())
    }

    static func render(_ calibration: DepthCalibration) -> String {
        "# needled depth calibration\nversion=1\nzero_counts=\(calibration.zeroCounts)\nmm_per_count=\(calibration.mmPerCount)\n"
    }

    static func parse(_ text: String) -> Result<DepthCalibration, CalibrationStoreError> {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else { return .failure(.malformed("line \"\(line)\" has no '='")) }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard fields["version"] == "1" else { return .failure(.malformed("version is not 1")) }
        guard let zero = fields["zero_counts"].flatMap(Double.init) else {
            return .failure(.malformed("zero_counts is missing or not a number"))
        }
        guard let scale = fields["mm_per_count"].flatMap(Double.init) else {
            return .failure(.malformed("mm_per_count is missing or not a number"))
        }
        // The same check as a measured or factory calibration (DESIGN.md §3 rule 10): a file
        // edited by hand, or written by an older needled, is not trusted for being on disk.
        let calibration = DepthCalibration(zeroCounts: zero, mmPerCount: scale)
        if let problem = CalibrationMath.problem(with: calibration) { return .failure(.unusable(problem)) }
        return .success(calibration)
    }
}

/// Why the calibration could not be loaded or stored.
public enum CalibrationStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Operation: String, Sendable {
        case open, read, write, fsync, rename
        case fsyncDirectory = "fsync directory"
    }

    case io(Operation, errno: Int32)
    /// The file is not a calibration file.
    case malformed(String)
    /// The values parse but are not a usable calibration (see `CalibrationMath.problem(with:)`).
    case unusable(CalibrationProblem)

    public var description: String {
        switch self {
        case .io(let operation, let errno): "\(operation.rawValue) failed (errno \(errno))"
        case .malformed(let why): "malformed calibration file: \(why)"
        case .unusable(let problem): "the calibration is refused: \(problem)"
        }
    }
}
