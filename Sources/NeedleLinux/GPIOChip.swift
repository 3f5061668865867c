#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGPIODShim
import Synchronization

/// An open GPIO character device (`/dev/gpiochipN`). Lines requested from it keep it open:
/// with libgpiod 1.6 a line's memory belongs to its chip.
public final class GPIOChip: Sendable {
    public let path: String
    /// Kernel name, e.g. "gpiochip0".
    public let name: String
    /// Driver label, e.g. "pinctrl-bcm2711" or "gpio-sim.0-node0".
    public let label: String
    public let lineCount: Int

    private let handle: Mutex<ShimHandle?>

    /// Opens the chip at `path` (e.g. "/dev/gpiochip0").
    public init(path: String) throws(LinuxBackendError) {
        guard let chip = needle_gpio_chip_open(path) else {
            let e = errno
            if e == ENOENT { throw .gpioChipNotFound(path) }
            throw .gpioChipOpenFailed(path: path, errno: e)
        }
        self.path = path
        self.name = String(cString: needle_gpio_chip_name(chip))
        self.label = String(cString: needle_gpio_chip_label(chip))
        self.lineCount = Int(needle_gpio_chip_num_lines(chip))
        self.handle = Mutex(ShimHandle(pointer: chip))
    }

    deinit {
        handle.withLock { chip in
            if let chip { needle_gpio_chip_close(chip.pointer) }
            chip = nil
        }
    }

    /// Opens a chip given as a path ("/dev/gpiochip0"), a name ("gpiochip0") or a label
    /// ("pinctrl-bcm2711"), tried in that order, as gpiodetect shows them.
    public static func open(_ spec: String, devDirectory: String = "/dev") throws(LinuxBackendError) -> GPIOChip {
        if spec.contains("/") { return try GPIOChip(path: spec) }
        let byName = devDirectory + "/" + spec
        if FileSystem.exists(byName) { return try GPIOChip(path: byName) }
        for path in chipPaths(devDirectory: devDirectory) {
            // A chip that cannot be opened cannot be the one asked for; keep looking.
            guard let chip = try? GPIOChip(path: path) else { continue }
            if chip.label == spec { return chip }
        }
        throw .gpioChipNotFound(spec)
    }

    /// Paths of all GPIO chips under `devDirectory`, in number order.
    public static func chipPaths(devDirectory: String = "/dev") -> [String] {
        let names = (FileSystem.entries(of: devDirectory) ?? []).filter { $0.hasPrefix("gpiochip") }
        let sorted = names.sorted { (Int($0.dropFirst(8)) ?? Int.max, $0) < (Int($1.dropFirst(8)) ?? Int.max, $1) }
        return sorted.map { devDirectory + "/" + $0 }
    }

    /// The offset of the line named `lineName` on this chip.
    public func offset(ofLine lineName: String) throws(LinuxBackendError) -> UInt32 {
        let offset: Int32 = handle.withLock { chip in
            guard let chip else { return -1 }
            return needle_gpio_chip_find_line(chip.pointer, lineName)
        }
        guard offset >= 0 else { throw .gpioLineNotFound(name: lineName, searched: [path]) }
        return UInt32(offset)
    }

    /// Finds the line named `lineName` on any chip (names are unique on a well-made board).
    public static func findLine(named lineName: String, devDirectory: String = "/dev") throws(LinuxBackendError) -> GPIOLineLocation {
        var searched: [String] = []
        for path in chipPaths(devDirectory: devDirectory) {
            guard let chip = try? GPIOChip(path: path) else { continue }
            searched.append(chip.name)
            if let offset = try? chip.offset(ofLine: lineName) {
                return GPIOLineLocation(chip: chip, offset: offset)
            }
        }
        throw .gpioLineNotFound(name: lineName, searched: searched)
    }

    /// Requests a line through the shim (setup time): the new request's handle, or the
    /// errno of the failure.
    func request(_ make: (OpaquePointer) -> OpaquePointer?) -> Result<ShimHandle, FileError> {
        handle.withLock { chip -> Result<ShimHandle, FileError> in
            guard let chip else { return .failure(FileError(errno: EBADF)) }
            guard let line = make(chip.pointer) else { return .failure(FileError(errno: errno)) }
            return .success(ShimHandle(pointer: line))
        }
    }

    func checkOffset(_ offset: UInt32) throws(LinuxBackendError) {
        guard Int(offset) < lineCount else {
            throw .gpioLineOffsetOutOfRange(chip: path, offset: offset, lineCount: lineCount)
        }
    }
}

/// A line on a chip, by chip and offset.
public struct GPIOLineLocation: Sendable {
    public let chip: GPIOChip
    public let offset: UInt32

    public init(chip: GPIOChip, offset: UInt32) {
        self.chip = chip
        self.offset = offset
    }
}
