import Testing

@testable import NeedleLinux

/// DESIGN §3 rule 4 on the Raspberry Pi: the check reads a fake /sys/module tree the way
/// it reads the kernel's. Parameter names and values as raspberrypi/linux #6117 (strict_gpiod)
/// and #6150 / upstream 8ff05989b44e (persist_gpio_outputs) print them.
@Suite("Released GPIO outputs: the kernel check (fake /sys/module)")
struct ReleasedOutputCheckTests {
    static let modules = ["pinctrl_bcm2835", "pinctrl_rp1"]

    /// A tree with `value` in `<module>/parameters/<parameter>`.
    func tree(_ module: String, _ parameter: String, _ value: String) throws -> TempDirectory {
        let dir = try TempDirectory()
        try dir.write(value, to: "\(module)/parameters/\(parameter)")
        return dir
    }

    @Test("persist_gpio_outputs = Y is refused, on either Pi driver", arguments: modules)
    func persistYesRefused(module: String) throws {
        let dir = try tree(module, "persist_gpio_outputs", "Y\n")
        let finding = ReleasedOutputCheck.check(sysModule: dir.path, chipLabel: "pinctrl-bcm2711")
        #expect(finding == .persists(evidence: "\(dir.path)/\(module)/parameters/persist_gpio_outputs = Y"))
        #expect(!finding.allowsMotor)
    }

    @Test("persist_gpio_outputs = N is allowed, on either Pi driver", arguments: modules)
    func persistNoAllowed(module: String) throws {
        let dir = try tree(module, "persist_gpio_outputs", "N\n")
        #expect(ReleasedOutputCheck.check(sysModule: dir.path, chipLabel: "pinctrl-bcm2711") == .reverts)
        #expect(ReleasedOutputCheck.check(sysModule: dir.path, chipLabel: "pinctrl-rp1").allowsMotor)
    }

    @Test("no Pi driver parameters on a non-Pi chip (gpio-sim, upstream kernels) is allowed")
    func absentAllowed() throws {
        let dir = try TempDirectory()
        try dir.write("Y\n", to: "other_module/parameters/persist_gpio_outputs")
        #expect(ReleasedOutputCheck.check(sysModule: dir.path, chipLabel: "gpio-sim.0-node0") == .reverts)
        #expect(ReleasedOutputCheck.check(sysModule: dir.path + "/missing", chipLabel: "gpio-sim.0-node0") == .reverts)
    }

    @Test("the first form of the switch: strict_gpiod = N is refused, Y allowed", arguments: modules)
    func strictGpiod(module: String) throws {
        let keeps = try tree(module, "strict_gpiod", "N\n")
        #expect(!ReleasedOutputCheck.check(sysModule: keeps.path, chipLabel: "pinctrl-bcm2711").allowsMotor)
        let strict = try tree(module, "strict_gpiod", "Y\n")
        #expect(ReleasedOutputCheck.check(sysModule: strict.path, chipLabel: "pinctrl-bcm2711") == .reverts)
    }

    @Test("one driver persisting is enough to refuse (Pi 5: bcm2835 strict, rp1 not)")
    func eitherDriverPersisting() throws {
        let dir = try TempDirectory()
        try dir.write("N\n", to: "pinctrl_bcm2835/parameters/persist_gpio_outputs")
        try dir.write("Y\n", to: "pinctrl_rp1/parameters/persist_gpio_outputs")
        #expect(!ReleasedOutputCheck.check(sysModule: dir.path, chipLabel: "pinctrl-rp1").allowsMotor)
    }

    @Test("a Pi chip whose kernel shows neither parameter (older than #6117) is refused")
    func piChipWithoutParameterRefused() throws {
        let dir = try TempDirectory()
        for label in ["pinctrl-bcm2835", "pinctrl-bcm2711", "pinctrl-rp1"] {
            let finding = ReleasedOutputCheck.check(sysModule: dir.path, chipLabel: label)
            guard case .unknown = finding else {
                Issue.record("\(label) without parameters: \(finding)")
                continue
            }
            #expect(!finding.allowsMotor)
        }
    }

    @Test("a parameter that is neither Y nor N is doubt, and doubt refuses")
    func garbageRefused() throws {
        let dir = try tree("pinctrl_bcm2835", "persist_gpio_outputs", "maybe\n")
        let finding = ReleasedOutputCheck.check(sysModule: dir.path, chipLabel: "pinctrl-bcm2711")
        #expect(finding == .unknown(evidence: "\(dir.path)/pinctrl_bcm2835/parameters/persist_gpio_outputs holds 'maybe', neither Y nor N"))
    }

    @Test("the remedy names the config.txt line and the module parameters")
    func remedy() {
        #expect(ReleasedOutputCheck.remedy.contains("dtparam=strict_gpiod"))
        #expect(ReleasedOutputCheck.remedy.contains("pinctrl_bcm2835.persist_gpio_outputs=n"))
        #expect(ReleasedOutputCheck.remedy.contains("pinctrl_rp1.persist_gpio_outputs=n"))
    }
}
