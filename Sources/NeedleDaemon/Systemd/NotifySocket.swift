import Glibc
import Synchronization

/// The sd_notify protocol, spoken directly: one AF_UNIX datagram of newline-separated
/// `KEY=value` assignments to the socket named by `$NOTIFY_SOCKET` (a path, or an abstract
/// name written with a leading `@`). No libsystemd: the same static binary runs in the VM
/// initramfs, where there is none.
///
/// One socket is opened up front and reused; the service manager identifies the sender by
/// its credentials (with `NotifyAccess=main`, any thread of the main process qualifies).
public final class SystemdNotifier: Sendable {
    /// The socket address as given in `$NOTIFY_SOCKET`.
    public let socketAddress: String
    private let address: sockaddr_un
    private let addressLength: socklen_t
    private let descriptor: Mutex<Int32>

    /// Nil when `$NOTIFY_SOCKET` is unset or empty (not started by systemd, or
    /// `Type=simple`): callers then skip notifications entirely.
    public static func fromEnvironment(_ environment: ServiceEnvironment = .process) throws(SystemdError) -> SystemdNotifier? {
        guard let value = environment["NOTIFY_SOCKET"], !value.isEmpty else { return nil }
        return try SystemdNotifier(socketAddress: value)
    }

    public init(socketAddress: String) throws(SystemdError) {
        let (address, length) = try UnixDatagram.address(socketAddress)
        self.socketAddress = socketAddress
        self.address = address
        self.addressLength = length
        self.descriptor = Mutex(try UnixDatagram.socket())
    }

    deinit {
        descriptor.withLock { if $0 >= 0 { close($0) } }
    }

    /// Sends the assignments as one datagram, in order.
    public func notify(_ assignments: [NotifyAssignment]) throws(SystemdError) {
        var bytes: [UInt8] = []
        for assignment in assignments {
            bytes += assignment.line.utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        try descriptor.withLock { (fd: inout Int32) throws(SystemdError) in
            try UnixDatagram.send(bytes, on: fd, to: address, length: addressLength)
        }
    }

    public func notify(_ assignments: NotifyAssignment...) throws(SystemdError) {
        try notify(assignments)
    }
}

/// One line of a notify datagram.
public enum NotifyAssignment: Sendable, Hashable {
    /// Startup finished: outputs safe, depth sensor valid, socket listening.
    case ready
    /// Shutdown began.
    case stopping
    /// A one-line human-readable status shown by `systemctl status`.
    case status(String)
    /// Keep-alive ping for `WatchdogSec=`.
    case watchdog
    /// The main PID (only needed when another process notifies for us).
    case mainPID(Int32)

    public var line: String {
        switch self {
        case .ready: "READY=1"
        case .stopping: "STOPPING=1"
        // A newline would end the assignment early and smuggle in another one.
        case .status(let text): "STATUS=" + String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
        case .watchdog: "WATCHDOG=1"
        case .mainPID(let pid): "MAINPID=\(pid)"
        }
    }
}
