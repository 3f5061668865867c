/// The whole configuration of needled (`/etc/needled/needled.toml`). Every field has a
/// default, so an empty file is a valid simulated-pen configuration. Parsing and
/// validation turn a file into this value; nothing else in the daemon reads the file.
public struct NeedledConfig: Sendable, Equatable {
    public var daemon = DaemonSection()
    public var access = AccessSection()
    public var safety = SafetySection()
    public var hardware = HardwareSection()
    public var treatment = TreatmentSection()

    public init() {}
}

/// `[daemon]`: where the daemon listens and how fast it runs.
public struct DaemonSection: Sendable, Equatable {
    public var socket = "/run/needled/control.sock"
    /// Group given to the socket (mode 0660); nil keeps the daemon's own group.
    public var socketGroup: String? = nil
    /// Control-loop rate, `ConfigRules.rateHz` (400...8000 Hz; the floor is `ControlRate.lowestHz`).
    public var rateHz = 1000
    public var logLevel = "info"
    public var stateDirectory = "/var/lib/needled"

    public init() {}
}

/// `[access]`: who may do what on the socket, by user (name or uid) and group (name or
/// gid). Roles nest: an operator may do what an observer may, a clinician what an
/// operator may. Root is always a clinician.
public struct AccessSection: Sendable, Equatable {
    public var observerUsers: [String] = []
    public var observerGroups: [String] = []
    public var operatorUsers: [String] = []
    public var operatorGroups: [String] = []
    public var clinicianUsers: [String] = []
    public var clinicianGroups: [String] = []

    public init() {}
}

/// `[safety]`: tunables that may only make the pen stricter than DESIGN.md §3.
public struct SafetySection: Sendable, Equatable {
    /// Allowed distance between measured and target depth, 0.01...0.05 mm.
    public var toleranceMM = 0.05

    public init() {}
}

/// `[treatment]`: the interval between sessions on an area, and per-area overrides of the
/// built-in presets (the core's `AreaPresetTable.standard`, which this module does not see).
public struct TreatmentSection: Sendable, Equatable {
    /// Days between two sessions on the same area, 1...365.
    public var minimumIntervalDays = 28
    /// Free space (MiB) the records' file system must have before a session is armed
    /// (`storage_failed` otherwise), 1...100000: a full disk is found before a session, not
    /// when its first write fails.
    public var minFreeMB = 64
    /// One `[treatment.areas.<name>]` table each, by area name (one of `knownAreas`). An
    /// area without a table, like a key left out of one, keeps its built-in preset.
    public var areas: [String: AreaOverride] = [:]

    /// The area names a table may have: the core's `TreatmentArea` raw values, in its order
    /// (the names used on the socket, in the journal and in records).
    public static let knownAreas: [String] = [
        "forehead", "periorbital", "nose", "lips", "cheeks", "neck", "acne_scars", "arms", "abdomen", "legs",
        "stretch_marks",
    ]

    public init() {}
}

/// `[treatment.areas.<name>]`: what replaces an area's built-in preset; nil keeps the
/// built-in value. Validation checks what the file alone can show (each range; minimum not
/// above maximum; the default depth not outside a bound given with it); whether a partial
/// entry fits the built-in values is for whoever merges the two.
public struct AreaOverride: Sendable, Equatable {
    /// Shallowest depth for the area, mm (0.05...3.00).
    public var depthMinMM: Double?
    /// Deepest depth for the area, mm (0.05...3.00).
    public var depthMaxMM: Double?
    /// Depth used when a plan names the area but no depth, mm.
    public var defaultDepthMM: Double?
    /// Speed level used when a plan names the area but no speed, 1...10.
    public var speed: Int?
    /// Session time used when a plan names the area but no duration, 10...3600 s.
    public var sessionS: Double?

    public init(
        depthMinMM: Double? = nil, depthMaxMM: Double? = nil, defaultDepthMM: Double? = nil, speed: Int? = nil,
        sessionS: Double? = nil
    ) {
        self.depthMinMM = depthMinMM
        self.depthMaxMM = depthMaxMM
        self.defaultDepthMM = defaultDepthMM
        self.speed = speed
        self.sessionS = sessionS
    }
}

/// `[hardware]`: which backend drives the pen, and for Linux, where every line is.
public struct HardwareSection: Sendable, Equatable {
    public enum Backend: String, Sendable, Equatable, CaseIterable {
        case simulated
        case linux
    }

    public var backend = Backend.simulated
    public var gpio = GPIOSection()
    public var i2c = I2CSection()
    public var pwm = PWMSection()
    /// A factory calibration (`[hardware.calibration]`), used while none is stored in the
    /// state directory. Absent: a real pen is uncalibrated until a clinician runs
    /// `needlectl calibrate` (it refuses to arm with `not_calibrated`); the simulated pen
    /// ships with its own.
    public var calibration: CalibrationSection?

    public init() {}
}

/// `[hardware.gpio]` and one `[hardware.gpio.<role>]` table per line.
public struct GPIOSection: Sendable, Equatable {
    /// Chip path, name or label; nil searches every chip for the line names.
    public var chip: String? = nil
    public var lines: [LineRole: LineSpec] = LineRole.defaultSpecs

    public init() {}
}

/// Each line the pen uses, by its role. Raw values are the config table names.
public enum LineRole: String, Sendable, Equatable, CaseIterable {
    case motorEnable = "motor_enable"
    case brake
    case heartbeat
    case statusLED = "status_led"
    case faultLED = "fault_led"
    case driverFault = "driver_fault"
    case tach
    case trigger
    case estop
    case cartridge

    public var isOutput: Bool {
        switch self {
        case .motorEnable, .brake, .heartbeat, .statusLED, .faultLED: true
        case .driverFault, .tach, .trigger, .estop, .cartridge: false
        }
    }

    /// The reference design's line names (hardware/README.md) and active levels.
    public static let defaultSpecs: [LineRole: LineSpec] = [
        .motorEnable: LineSpec(name: "MOTOR_EN", bias: .pullDown),
        .brake: LineSpec(name: "MOTOR_BRAKE", bias: .pullDown),
        .heartbeat: LineSpec(name: "HEARTBEAT", bias: .pullDown),
        .statusLED: LineSpec(name: "LED_STATUS"),
        .faultLED: LineSpec(name: "LED_FAULT"),
        .driverFault: LineSpec(name: "DRV_NFAULT", activeLow: true, bias: .pullUp),
        .tach: LineSpec(name: "TACH"),
        .trigger: LineSpec(name: "TRIGGER", activeLow: true, bias: .pullUp, debounceMs: 10),
        // The e-stop is a normally closed loop to ground: open (high) means stop.
        .estop: LineSpec(name: "ESTOP", bias: .pullUp),
        .cartridge: LineSpec(name: "CARTRIDGE", activeLow: true, bias: .pullUp),
    ]
}

/// Where one line is and how it behaves: by name (`gpio-line-names`) or by offset on
/// `GPIOSection.chip`.
public struct LineSpec: Sendable, Equatable {
    public enum Bias: String, Sendable, Equatable, CaseIterable {
        case asIs = "as-is"
        case disabled
        case pullUp = "pull-up"
        case pullDown = "pull-down"
    }

    public var name: String?
    public var offset: Int?
    public var activeLow: Bool
    public var bias: Bias
    /// Kernel debounce period in ms (`debounce_ms`, 0: none), within
    /// `ConfigRules.triggerDebounceMs`. Only the trigger has one: a debounced tach would
    /// lose strokes, a debounced e-stop or nFAULT would report a stop late. nil elsewhere.
    public var debounceMs: Int?

    public init(
        name: String? = nil, offset: Int? = nil, activeLow: Bool = false, bias: Bias = .asIs, debounceMs: Int? = nil
    ) {
        self.name = name
        self.offset = offset
        self.activeLow = activeLow
        self.bias = bias
        self.debounceMs = debounceMs
    }
}

/// `[hardware.i2c]`: the depth sensor's bus.
public struct I2CSection: Sendable, Equatable {
    /// /dev/i2c-<bus>.
    public var bus = 1
    /// The AS5600 depth sensor.
    public var address = 0x36
    /// The cartridge's 24C02 ID EEPROM, on the same bus.
    public var cartridgeAddress = 0x50

    public init() {}
}

/// `[hardware.pwm]`: the motor driver's AIN1.
public struct PWMSection: Sendable, Equatable {
    public enum Polarity: String, Sendable, Equatable, CaseIterable {
        case normal
        case inversed
    }

    public var chip = 0
    public var channel = 0
    public var polarity = Polarity.normal
    /// 20 kHz: above hearing, within the DRV8833's range.
    public var frequencyHz = 20_000
    /// Tests and the VM rig point this at a temporary tree.
    public var sysfsRoot = "/sys/class/pwm"

    public init() {}
}

/// `[hardware.calibration]`: collar angle to depth (`(raw - zero) * mm_per_count`).
public struct CalibrationSection: Sendable, Equatable {
    public var zeroCounts = 512.0
    public var mmPerCount = 0.001

    public init() {}
}
