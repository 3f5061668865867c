import NeedleConfig

#if canImport(Glibc)
import Glibc
#endif

/// Why the configuration file could not be used. The message names the file, and for an
/// invalid one the field, the value and what is allowed.
public enum ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, errno: Int32)
    case tooLarge(path: String, limit: Int)
    case notText(path: String)
    case invalid(path: String, ConfigError)

    public var description: String {
        switch self {
        case .unreadable(let path, let e):
            "cannot read the configuration file \(path): \(String(cString: strerror(e))) (errno \(e))"
        case .tooLarge(let path, let limit): "configuration file \(path) is larger than \(limit) bytes"
        case .notText(let path): "configuration file \(path) is not UTF-8 text"
        case .invalid(let path, let error): "invalid configuration \(path): \(error)"
        }
    }

    /// The validation error, when the file was read but refused.
    public var configError: ConfigError? {
        if case .invalid(_, let error) = self { error } else { nil }
    }
}

/// Where the configuration comes from: `--config FILE` (must exist), or the default path,
/// used only if it exists (else every default).
public struct ConfigSource: Sendable, Equatable {
    public static let defaultPath = "/etc/needled/needled.toml"
    public static let maxBytes = 1 << 20

    public var path: String
    /// True for the default path: a missing file means the defaults.
    public var optional: Bool

    public init(path: String, optional: Bool) {
        self.path = path
        self.optional = optional
    }

    /// `--config FILE` if given, else the default path if it is there.
    public static func commandLine(_ path: String?) -> ConfigSource {
        path.map { ConfigSource(path: $0, optional: false) } ?? ConfigSource(path: defaultPath, optional: true)
    }

    /// The file's text, or nil when an optional file does not exist.
    public func read() throws(ConfigFileError) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if optional && e == ENOENT { return nil }
            throw .unreadable(path: path, errno: e)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, errno: errno)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= Self.maxBytes else { throw .tooLarge(path: path, limit: Self.maxBytes) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notText(path: path) }
        return text
    }

    /// Reads and validates the file; a missing optional file is the defaults.
    public func load() throws(ConfigFileError) -> NeedledConfig {
        guard let text = try read() else { return NeedledConfig() }
        do throws(ConfigError) {
            return try NeedledConfig.parse(toml: text)
        } catch {
            throw .invalid(path: path, error)
        }
    }
}
