#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a Linux device could not be set up. Setup happens once, before the control loop
/// runs, so these errors may carry strings: each names the device, line or file at fault
/// so that a device engineer reading the journal knows what to fix.
public enum LinuxBackendError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No GPIO chip matches the path, name or label given.
    case gpioChipNotFound(String)
    /// The chip exists but could not be opened (permissions, not a GPIO chip, …).
    case gpioChipOpenFailed(path: String, errno: Int32)
    /// No chip has a line of this name (`gpio-line-names`); `searched` lists the chips.
    case gpioLineNotFound(name: String, searched: [String])
    case gpioLineOffsetOutOfRange(chip: String, offset: UInt32, lineCount: Int)
    /// The kernel refused the line request (EBUSY: another consumer holds it).
    case gpioLineRequestFailed(chip: String, offset: UInt32, errno: Int32)
    case i2cBusOpenFailed(path: String, errno: Int32)
    /// The adapter refused a setting the bus needs (its transfer timeout or retry count).
    case i2cBusSetupFailed(path: String, setting: String, value: UInt, errno: Int32)
    /// The adapter's functionality mask (I2C_FUNCS) could not be read.
    case i2cBusFunctionsUnreadable(path: String, errno: Int32)
    /// The adapter cannot do a transfer the pen's drivers need (`LinuxI2CBus.requiredFunctions`).
    case i2cBusLacksFunction(path: String, function: String)
    case pwmChipNotFound(path: String)
    case pwmExportFailed(path: String, errno: Int32)
    /// The channel's attribute files did not appear (or stayed unwritable) after export.
    case pwmChannelTimeout(path: String, waitedMs: Int)
    /// An attribute file could not be opened, read or written during setup.
    case pwmAttributeFailed(path: String, errno: Int32)
    case pwmAttributeUnreadable(path: String, content: String)

    public var description: String {
        switch self {
        case .gpioChipNotFound(let spec):
            return "GPIO chip '\(spec)' not found (no such path, name or label)"
        case .gpioChipOpenFailed(let path, let e):
            return "GPIO chip \(path) could not be opened: \(errnoText(e))"
        case .gpioLineNotFound(let name, let searched):
            let chips = searched.isEmpty ? "no GPIO chips present" : "searched " + searched.joined(separator: ", ")
            return "GPIO line '\(name)' not found (\(chips))"
        case .gpioLineOffsetOutOfRange(let chip, let offset, let count):
            return "GPIO line offset \(offset) out of range on \(chip) (\(count) lines)"
        case .gpioLineRequestFailed(let chip, let offset, let e):
            return "GPIO line \(chip):\(offset) could not be requested: \(errnoText(e))"
        case .i2cBusOpenFailed(let path, let e):
            return "I2C bus \(path) could not be opened: \(errnoText(e))"
        case .i2cBusSetupFailed(let path, let setting, let value, let e):
            return "I2C bus \(path) refused \(setting) = \(value): \(errnoText(e)); without it a hung transfer would block the control loop"
        case .i2cBusFunctionsUnreadable(let path, let e):
            return "I2C bus \(path) did not report what it can do (I2C_FUNCS): \(errnoText(e))"
        case .i2cBusLacksFunction(let path, let function):
            return "I2C bus \(path) cannot do an \(function), which the depth sensor's one-transaction read needs; use an adapter that can"
        case .pwmChipNotFound(let path):
            return "PWM chip \(path) not found"
        case .pwmExportFailed(let path, let e):
            return "PWM channel export through \(path) failed: \(errnoText(e))"
        case .pwmChannelTimeout(let path, let ms):
            return "PWM channel \(path) did not appear with writable attributes within \(ms) ms"
        case .pwmAttributeFailed(let path, let e):
            return "PWM attribute \(path) failed: \(errnoText(e))"
        case .pwmAttributeUnreadable(let path, let content):
            return "PWM attribute \(path) holds '\(content)', not a value this backend understands"
        }
    }
}

/// "No such file or directory (errno 2)".
func errnoText(_ e: Int32) -> String {
    guard let text = strerror(e) else { return "errno \(e)" }
    return "\(String(cString: text)) (errno \(e))"
}
