extension NeedledConfig {
    /// Parses and validates a configuration file's text. Pure: no file is read and no user
    /// or group is looked up here (the daemon resolves names when it loads the file).
    /// A missing key keeps its default; an unknown key or table, a wrong type or a value
    /// outside its range is refused with the field's dotted path.
    public static func parse(toml: String) throws(ConfigError) -> NeedledConfig {
        let document = try TOMLParser.parse(toml)
        var root = TableReader(document, path: "")
        var config = NeedledConfig()
        if var section = try root.table("daemon") { config.daemon = try DaemonSection(reading: &section) }
        if var section = try root.table("access") { config.access = try AccessSection(reading: &section) }
        if var section = try root.table("safety") { config.safety = try SafetySection(reading: &section) }
        if var section = try root.table("hardware") { config.hardware = try HardwareSection(reading: &section) }
        if var section = try root.table("treatment") { config.treatment = try TreatmentSection(reading: &section) }
        try root.finish()
        return config
    }
}

extension DaemonSection {
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        socket = try table.path("socket", default: socket, maxBytes: ConfigRules.maxSocketPathBytes)
        socketGroup = try table.optionalString("socket_group")
        rateHz = try table.int("rate_hz", default: rateHz)
        if !ConfigRules.rateHz.contains(rateHz) {
            throw ConfigError(
                .outOfRange, field: table.field("rate_hz"), value: "\(rateHz)",
                allowed: "\(ConfigRules.rateHz.lowerBound)...\(ConfigRules.rateHz.upperBound)",
                note: rateHz < ConfigRules.rateHz.lowerBound ? ControlRate.whyLowest : "above it one AS5600 read no longer fits in a tick")
        }
        logLevel = try table.oneOf("log_level", default: logLevel, ConfigRules.logLevels)
        stateDirectory = try table.path("state_directory", default: stateDirectory)
        try table.finish()
    }
}

extension AccessSection {
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        observerUsers = try table.idList("observer_users")
        observerGroups = try table.idList("observer_groups")
        operatorUsers = try table.idList("operator_users")
        operatorGroups = try table.idList("operator_groups")
        clinicianUsers = try table.idList("clinician_users")
        clinicianGroups = try table.idList("clinician_groups")
        try table.finish()
    }
}

extension SafetySection {
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        toleranceMM = try table.double(
            "tolerance_mm", default: toleranceMM, range: ConfigRules.toleranceMM,
            note: "the configuration may only make the pen stricter than the design's ±0.05 mm")
        try table.finish()
    }
}

extension HardwareSection {
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        backend = try table.choice("backend", default: backend)
        if var section = try table.table("gpio") { gpio = try GPIOSection(reading: &section) }
        if var section = try table.table("i2c") { i2c = try I2CSection(reading: &section) }
        if var section = try table.table("pwm") { pwm = try PWMSection(reading: &section) }
        if var section = try table.table("calibration") { calibration = try CalibrationSection(reading: &section) }
        try table.finish()
    }
}

extension GPIOSection {
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        chip = try table.optionalString("chip")
        for role in LineRole.allCases {
            guard var section = try table.table(role.rawValue) else { continue }
            lines[role] = try LineSpec(
                reading: &section, defaults: LineRole.defaultSpecs[role] ?? LineSpec(), debounced: role == .trigger)
        }
        try table.finish()
        try FailSafeWiring.check(self)
    }
}

extension LineSpec {
    /// A role's table replaces where the line is (exactly one of `line` and `offset`);
    /// `active_low` and `bias` keep the role's defaults unless given. `debounce_ms` is a key
    /// only where `debounced` (the trigger); elsewhere it is an unknown key.
    init(reading table: inout TableReader, defaults: LineSpec, debounced: Bool = false) throws(ConfigError) {
        let name = try table.optionalString("line")
        let offset = try table.optionalInt("offset", range: 0...Int(Int32.max))
        let activeLow = try table.bool("active_low", default: defaults.activeLow)
        let bias = try table.choice("bias", default: defaults.bias)
        var debounceMs = defaults.debounceMs
        if debounced {
            debounceMs = try table.int("debounce_ms", default: defaults.debounceMs ?? 0, range: ConfigRules.triggerDebounceMs)
        }
        try table.finish()
        switch (name, offset) {
        case (.some, .some):
            throw ConfigError(.conflict, field: table.path, value: nil,
                              allowed: "give either line (a name) or offset (a number), not both")
        case (.none, .none):
            throw ConfigError(.conflict, field: table.path, value: nil,
                              allowed: "give line (a name) or offset (a number on hardware.gpio.chip)")
        default:
            self.init(name: name, offset: offset, activeLow: activeLow, bias: bias, debounceMs: debounceMs)
        }
    }
}

extension I2CSection {
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        bus = try table.int("bus", default: bus, range: 0...Int.max)
        address = try table.int("address", default: address, range: ConfigRules.i2cAddress, hex: true)
        cartridgeAddress = try table.int(
            "cartridge_address", default: cartridgeAddress, range: ConfigRules.i2cAddress, hex: true)
        if cartridgeAddress == address {
            throw ConfigError(
                .conflict, field: "hardware.i2c.cartridge_address", value: "\(cartridgeAddress)",
                allowed: "must differ from hardware.i2c.address (the depth sensor answers there)")
        }
        try table.finish()
    }
}

extension PWMSection {
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        chip = try table.int("chip", default: chip, range: 0...Int.max)
        channel = try table.int("channel", default: channel, range: 0...Int.max)
        polarity = try table.choice("polarity", default: polarity)
        frequencyHz = try table.int("frequency_hz", default: frequencyHz, range: ConfigRules.pwmFrequencyHz)
        sysfsRoot = try table.path("sysfs_root", default: sysfsRoot)
        try table.finish()
    }
}

extension CalibrationSection {
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        zeroCounts = try table.double("zero_counts", default: zeroCounts, range: ConfigRules.zeroCounts)
        mmPerCount = try table.double("mm_per_count", default: mmPerCount)
        guard mmPerCount > 0 else {
            throw ConfigError(.outOfRange, field: table.field("mm_per_count"), value: "\(mmPerCount)",
                              allowed: "finite numbers greater than 0")
        }
        try table.finish()
    }
}

extension TreatmentSection {
    /// `[treatment.areas]` holds only tables named after `knownAreas`: anything else in it
    /// is refused as an unknown table (or key) listing the known area names.
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        minimumIntervalDays = try table.int(
            "minimum_interval_days", default: minimumIntervalDays, range: ConfigRules.minimumIntervalDays)
        minFreeMB = try table.int("min_free_mb", default: minFreeMB, range: ConfigRules.minFreeMB)
        if var areasTable = try table.table("areas") {
            for area in Self.knownAreas {
                guard var section = try areasTable.table(area) else { continue }
                areas[area] = try AreaOverride(reading: &section)
            }
            try areasTable.finish()
        }
        try table.finish()
    }
}

extension AreaOverride {
    /// Every key is optional. Bounds given together must be ordered, and a default depth
    /// given with a bound must not lie beyond it (with a built-in bound it may be judged
    /// only where the two are merged).
    init(reading table: inout TableReader) throws(ConfigError) {
        self.init()
        depthMinMM = try table.optionalDouble("depth_min_mm", range: ConfigRules.areaDepthMM)
        depthMaxMM = try table.optionalDouble("depth_max_mm", range: ConfigRules.areaDepthMM)
        defaultDepthMM = try table.optionalDouble("default_depth_mm", range: ConfigRules.areaDepthMM)
        speed = try table.optionalInt("speed", range: ConfigRules.speedLevels)
        sessionS = try table.optionalDouble("session_s", range: ConfigRules.sessionS)
        try table.finish()
        if let low = depthMinMM, let high = depthMaxMM, low > high {
            throw ConfigError(.conflict, field: table.field("depth_max_mm"), value: "\(high)",
                              allowed: "must not be below \(table.field("depth_min_mm")) (\(low))")
        }
        if let depth = defaultDepthMM {
            let minField = table.field("depth_min_mm"), maxField = table.field("depth_max_mm")
            let rule: String? =
                switch (depthMinMM, depthMaxMM) {
                case let (low?, high?) where depth < low || depth > high:
                    "must lie between \(minField) and depth_max_mm (\(low)...\(high))"
                case let (low?, nil) where depth < low: "must not be below \(minField) (\(low))"
                case let (nil, high?) where depth > high: "must not be above \(maxField) (\(high))"
                default: nil
                }
            if let rule {
                throw ConfigError(.conflict, field: table.field("default_depth_mm"), value: "\(depth)", allowed: rule)
            }
        }
    }
}
