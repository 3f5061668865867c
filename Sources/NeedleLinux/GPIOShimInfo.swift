import CGPIODShim

/// What the C shim was built against, for a startup log line and for the rig's report.
public enum GPIOShimInfo {
    /// The libgpiod API major version (1 on Debian 12 / Raspberry Pi OS bookworm).
    public static var apiVersion: Int { Int(needle_gpio_api_version()) }
}
