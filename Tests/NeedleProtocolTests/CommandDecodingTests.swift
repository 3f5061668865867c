import NeedleProtocol
import Testing

@Suite("Decoding each command")
struct CommandDecodingTests {
    @Test func statusWithIdAndEmptyArgs() throws {
        let request = try decode(#"{"id":1,"cmd":"status","args":{}}"#)
        #expect(request == Request(id: 1, command: .status))
    }

    @Test func idAndArgsAreOptional() throws {
        #expect(try decode(#"{"cmd":"status"}"#) == Request(id: nil, command: .status))
        #expect(try decode(#"{"id":null,"cmd":"stop","args":null}"#) == Request(id: nil, command: .stop))
    }

    @Test func argumentFreeCommands() throws {
        #expect(try decode(#"{"id":2,"cmd":"disarm"}"#).command == .disarm)
        #expect(try decode(#"{"id":3,"cmd":"start"}"#).command == .start)
        #expect(try decode(#"{"id":4,"cmd":"stop"}"#).command == .stop)
        #expect(try decode(#"{"id":5,"cmd":"clear"}"#).command == .clear)
    }

    @Test func watchDefaultsAndExplicitInterval() throws {
        #expect(try decode(#"{"cmd":"watch"}"#).command == .watch(try WatchArguments()))
        #expect(try decode(#"{"cmd":"watch"}"#).command == .watch(try WatchArguments(intervalMS: 100)))
        #expect(try decode(#"{"cmd":"watch","args":{"interval_ms":10}}"#).command == .watch(try WatchArguments(intervalMS: 10)))
        #expect(try decode(#"{"cmd":"watch","args":{"interval_ms":10000}}"#).command == .watch(try WatchArguments(intervalMS: 10000)))
    }

    @Test func armFullAndDefaults() throws {
        let full = try decode(#"{"id":7,"cmd":"arm","args":{"depth_mm":0.5,"speed":7,"area":"forehead","duration_s":90}}"#)
        guard case .arm(let arm) = full.command else {
            Issue.record("not arm: \(full.command)")
            return
        }
        #expect(arm.depthMM == 0.5)
        #expect(arm.speed == 7)
        #expect(arm.area == "forehead")
        #expect(arm.durationS == 90)
        #expect(arm.override == false)

        // Speed, area, duration and override are optional; an omitted speed stays nil so the
        // daemon can take the area's default.
        let minimal = try decode(#"{"cmd":"arm","args":{"depth_mm":1}}"#)
        #expect(minimal.command == .arm(try ArmArguments(depthMM: 1)))
        guard case .arm(let bare) = minimal.command else { return }
        #expect(bare.speed == nil && bare.area == nil && bare.durationS == nil && !bare.override)
    }

    @Test func armByAreaWithoutDepth() throws {
        let request = try decode(#"{"cmd":"arm","args":{"area":"forehead"}}"#)
        #expect(request.command == .arm(try ArmArguments(area: "forehead")))
        guard case .arm(let arm) = request.command else { return }
        #expect(arm.depthMM == nil)
        #expect(arm.speed == nil)
    }

    @Test func armOverride() throws {
        let request = try decode(#"{"cmd":"arm","args":{"area":"cheeks","depth_mm":2.5,"override":true}}"#)
        #expect(request.command == .arm(try ArmArguments(depthMM: 2.5, area: "cheeks", override: true)))
        #expect(try decode(#"{"cmd":"arm","args":{"depth_mm":0.5,"override":false}}"#).command == .arm(try ArmArguments(depthMM: 0.5)))
        #expect(try decode(#"{"cmd":"arm","args":{"depth_mm":0.5,"override":null}}"#).command == .arm(try ArmArguments(depthMM: 0.5)))
    }

    @Test func calibrateSteps() throws {
        #expect(try decode(#"{"cmd":"calibrate","args":{"step":"zero"}}"#).command == .calibrate(.zero))
        #expect(try decode(#"{"cmd":"calibrate","args":{"step":"span","depth_mm":1.5}}"#).command == .calibrate(.span(depthMM: 1.5)))
        #expect(try decode(#"{"cmd":"calibrate","args":{"step":"span","depth_mm":2}}"#).command == .calibrate(.span(depthMM: 2)))
        // The bounds: 3.5 is allowed, anything above 0 is.
        #expect(try decode(#"{"cmd":"calibrate","args":{"step":"span","depth_mm":3.5}}"#).command == .calibrate(.span(depthMM: 3.5)))
        #expect(try decode(#"{"cmd":"calibrate","args":{"step":"span","depth_mm":0.001}}"#).command == .calibrate(.span(depthMM: 0.001)))
    }

    @Test func selftestTakesNoArguments() throws {
        #expect(try decode(#"{"id":6,"cmd":"selftest"}"#) == Request(id: 6, command: .selftest))
        #expect(try decode(#"{"cmd":"selftest","args":{}}"#).command == .selftest)
    }

    @Test func mode() throws {
        #expect(try decode(#"{"cmd":"mode","args":{"mode":"home"}}"#).command == .mode(.home))
        #expect(try decode(#"{"cmd":"mode","args":{"mode":"clinical"}}"#).command == .mode(.clinical))
    }

    @Test func simActions() throws {
        #expect(try decode(#"{"cmd":"sim","args":{"action":"depth","depth_mm":0.42}}"#).command == .sim(.depth(depthMM: 0.42)))
        #expect(
            try decode(#"{"cmd":"sim","args":{"action":"fault","name":"magnet-missing"}}"#).command
                == .sim(.fault(.magnetMissing, clear: false)))
        #expect(
            try decode(#"{"cmd":"sim","args":{"action":"fault","name":"cartridge-removed","clear":true}}"#).command
                == .sim(.fault(.cartridgeRemoved, clear: true)))
        #expect(try decode(#"{"cmd":"sim","args":{"action":"load","fraction":0.25}}"#).command == .sim(.load(fraction: 0.25)))
        #expect(try decode(#"{"cmd":"sim","args":{"action":"trigger","pressed":true}}"#).command == .sim(.trigger(pressed: true)))
        let seated = try SimCartridge(serial: "CX-0001", lot: "LOT 7", needles: 36)
        #expect(
            try decode(#"{"cmd":"sim","args":{"action":"cartridge_insert","serial":"CX-0001","lot":"LOT 7","needles":36}}"#)
                .command == .sim(.cartridgeInsert(seated)))
        #expect(seated.used == false)
        #expect(
            try decode(#"{"cmd":"sim","args":{"action":"cartridge_insert","serial":"CX-0002","lot":"L","needles":12,"used":true}}"#)
                .command == .sim(.cartridgeInsert(try SimCartridge(serial: "CX-0002", lot: "L", needles: 12, used: true))))
        #expect(try decode(#"{"cmd":"sim","args":{"action":"cartridge_remove"}}"#).command == .sim(.cartridgeRemove))
        // The encoder's arguments decode back to the same action.
        #expect(try Command.sim(.cartridgeInsert(seated)).validated() == .sim(.cartridgeInsert(seated)))
    }

    @Test(arguments: SimulatedFault.allCases)
    func everySimulatedFaultName(fault: SimulatedFault) throws {
        let request = try decode(#"{"cmd":"sim","args":{"action":"fault","name":"\#(fault.rawValue)"}}"#)
        #expect(request.command == .sim(.fault(fault, clear: false)))
    }

    /// Encoding a request and decoding it again gives the same request, for every command.
    @Test func requestRoundTrip() throws {
        let commands: [Command] = [
            .status, .watch(try WatchArguments(intervalMS: 250)),
            .arm(try ArmArguments(depthMM: 0.75, speed: 3, area: "cheek", durationS: 12.5)),
            .arm(try ArmArguments(depthMM: 2)), .arm(try ArmArguments(area: "neck", override: true)),
            .arm(try ArmArguments(depthMM: 0.3, speed: 9)), .disarm, .start, .stop, .mode(.clinical), .clear,
            .calibrate(.zero), .calibrate(.span(depthMM: 1.25)), .selftest,
            .sim(.depth(depthMM: 1.5)), .sim(.fault(.stall, clear: true)), .sim(.load(fraction: 1)),
            .sim(.trigger(pressed: false)),
        ]
        for (index, command) in commands.enumerated() {
            let request = Request(id: Int64(index), command: command)
            let line = try WireCoding.encode(request)
            #expect(try Request(jsonLine: line) == request, "\(text(line))")
        }
        #expect(text(try WireCoding.encode(Request(id: nil, command: .status))) == #"{"args":{},"cmd":"status","id":null}"#)
        // Omitted arm fields stay omitted (the daemon's defaults apply), override only when set.
        #expect(
            text(try WireCoding.encode(Request(id: 1, command: .arm(try ArmArguments(area: "lips")))))
                == #"{"args":{"area":"lips"},"cmd":"arm","id":1}"#)
        #expect(
            text(try WireCoding.encode(Request(id: 2, command: .calibrate(.span(depthMM: 1.5)))))
                == #"{"args":{"depth_mm":1.5,"step":"span"},"cmd":"calibrate","id":2}"#)
    }
}
