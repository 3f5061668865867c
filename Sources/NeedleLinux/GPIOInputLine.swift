#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGPIODShim
import NeedleHAL
import Synchronization

/// A GPIO line requested as an input (tach, trigger, e-stop, cartridge, driver nFAULT),
/// optionally with kernel edge events. Values and edges are logical: `activeLow` is applied
/// by the kernel. Event timestamps are the kernel's CLOCK_MONOTONIC ones, taken in the
/// interrupt, so stroke timing does not depend on when the control loop gets to read them.
public final class GPIOInputLine: DigitalInput {
    public let location: GPIOLineLocation
    public let activeLow: Bool
    public let edges: GPIOEdges
    /// The debounce period asked of the kernel, µs (0: none).
    public let requestedDebounceUs: UInt32
    /// The debounce period the kernel applies, µs: the requested one where the shim's uAPI
    /// has debounce (libgpiod 2.x), 0 over libgpiod 1.6, whose uAPI has none.
    public var kernelDebounceUs: UInt32 { GPIOShimInfo.supportsKernelDebounce ? requestedDebounceUs : 0 }
    private let device: StaticString
    private let line: Mutex<ShimHandle?>

    public init(
        chip: GPIOChip, offset: UInt32, consumer: String = "needled", activeLow: Bool = false,
        bias: GPIOBias = .asIs, edges: GPIOEdges = .none, debounceUs: UInt32 = 0,
        device: StaticString = "gpio-input"
    ) throws(LinuxBackendError) {
        try chip.checkOffset(offset)
        let requested: ShimHandle
        switch chip.request({ handle in
            needle_gpio_request_input(handle, offset, consumer, activeLow, bias.shim, edges.shim, debounceUs)
        }) {
        case .success(let h): requested = h
        case .failure(let e): throw .gpioLineRequestFailed(chip: chip.path, offset: offset, errno: e.errno)
        }
        self.location = GPIOLineLocation(chip: chip, offset: offset)
        self.activeLow = activeLow
        self.edges = edges
        self.requestedDebounceUs = debounceUs
        self.device = device
        self.line = Mutex(requested)
    }

    /// Requests the line named `lineName` (gpio-line-names) on whichever chip has it.
    public convenience init(
        named lineName: String, consumer: String = "needled", activeLow: Bool = false,
        bias: GPIOBias = .asIs, edges: GPIOEdges = .none, debounceUs: UInt32 = 0,
        device: StaticString = "gpio-input", devDirectory: String = "/dev"
    ) throws(LinuxBackendError) {
        let found = try GPIOChip.findLine(named: lineName, devDirectory: devDirectory)
        try self.init(
            chip: found.chip, offset: found.offset, consumer: consumer, activeLow: activeLow,
            bias: bias, edges: edges, debounceUs: debounceUs, device: device)
    }

    deinit { close() }

    public func read() throws(HALError) -> Bool {
        try line.withLock { (l) throws(HALError) -> Bool in
            guard let l else { throw HALError(.unavailable, device: device, errno: EBADF) }
            let v = needle_gpio_line_get(l.pointer)
            if v < 0 { throw .linux(errno: errno, device: device) }
            return v == 1
        }
    }

    /// The next queued edge, or nil: one non-blocking read of the event descriptor.
    public func nextEdge() throws(HALError) -> EdgeEvent? {
        guard edges != .none else { return nil }
        return try line.withLock { (l) throws(HALError) -> EdgeEvent? in
            guard let l else { throw HALError(.unavailable, device: device, errno: EBADF) }
            var ts: UInt64 = 0
            var active = false
            switch needle_gpio_line_read_edge(l.pointer, &ts, &active) {
            case 1: return EdgeEvent(timestampNs: ts, becameActive: active)
            case 0: return nil
            default: throw .linux(errno: errno, device: device)
            }
        }
    }

    public func close() {
        line.withLock { l in
            guard let requested = l else { return }
            needle_gpio_line_release(requested.pointer)
            l = nil
        }
    }
}
