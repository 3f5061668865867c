import CGPIODShim

/// What the C shim was built against, for a startup log line and for the rig's report.
public enum GPIOShimInfo {
    /// The libgpiod API major version (1 on Debian 12 / Raspberry Pi OS bookworm).
    public static var apiVersion: Int { Int(needle_gpio_api_version()) }
    /// The libgpiod linked at run time, e.g. "1.6.3" (Debian 12) or "2.2.1" (Debian 13).
    public static var libraryVersion: String { String(cString: needle_gpio_library_version()) }
    /// Whether an input's debounce period reaches the kernel: the v2 uAPI (libgpiod 2.x)
    /// has one, the v1 uAPI (libgpiod 1.6) has none, so there the request is a no-op.
    public static var supportsKernelDebounce: Bool { needle_gpio_debounce_supported() }
}
