import Glibc
import NeedleHAL
import NeedleLinux

/// Outputs: requested inactive, driven, read back from the simulator's side; active-low
/// honoured; a second request refused; a released output falls back to its pull.
func checkOutputs(_ probe: Probe) {
    probe.step("outputs") {
        let motor = try GPIOOutputLine(named: "MOTOR_EN", consumer: "needle-probe", device: "motor-enable")
        probe.check("find MOTOR_EN by name", motor.location.chip.label == "needle-pen", "chip label \(motor.location.chip.label)")
        guard let world = SimLine.find(chipName: motor.location.chip.name, offset: motor.location.offset) else {
            probe.check("MOTOR_EN sim side", false, "no sim_gpio\(motor.location.offset)")
            return
        }
        probe.check("MOTOR_EN requested inactive", world.value == "0", "value \(world.value)")
        try motor.set(active: true)
        probe.check("MOTOR_EN driven active", world.value == "1", "value \(world.value)")
        try motor.set(active: false)
        probe.check("MOTOR_EN driven inactive", world.value == "0", "value \(world.value)")

        // The same line by chip + offset, while held: the kernel refuses a second consumer.
        do throws(LinuxBackendError) {
            _ = try GPIOOutputLine(chip: motor.location.chip, offset: motor.location.offset)
            probe.check("second request of MOTOR_EN refused", false, "it was granted")
        } catch {
            probe.check("second request of MOTOR_EN refused", error == .gpioLineRequestFailed(
                chip: motor.location.chip.path, offset: motor.location.offset, errno: EBUSY), "\(error)")
        }

        // The rig's upstream kernel returns released outputs to inputs, and the start-up
        // check that refuses Raspberry Pi kernels which do not must let it through.
        let release = ReleasedOutputCheck.check(chipLabel: motor.location.chip.label)
        probe.check("kernel lets released outputs go (ReleasedOutputCheck)", release.allowsMotor, "\(release)")

        // Rule 4's crash case: held active, released without a last write: the pull-down wins.
        try motor.set(active: true)
        probe.check("MOTOR_EN active before release", world.value == "1", "value \(world.value)")
        motor.close(drivingInactive: false)
        probe.check("released MOTOR_EN falls back to its pull-down", world.value == "0", "value \(world.value) pull \(world.pull)")
        probe.check("set after close is unavailable", (try? motor.set(active: true)) == nil)

        // Active low: inactive is a high level; and a pulled-up line reverts high on release.
        let led = try GPIOOutputLine(named: "LED_FAULT", activeLow: true, device: "fault-led")
        if let ledWorld = SimLine.find(chipName: led.location.chip.name, offset: led.location.offset) {
            probe.check("active-low LED_FAULT requested inactive (high)", ledWorld.value == "1", "value \(ledWorld.value)")
            try led.set(active: true)
            probe.check("active-low LED_FAULT active is low", ledWorld.value == "0", "value \(ledWorld.value)")
            ledWorld.setPull(up: true)
            led.close(drivingInactive: false)
            probe.check("released LED_FAULT follows its pull-up", ledWorld.value == "1", "value \(ledWorld.value)")
        }
    }
}

/// Inputs: levels and kernel edge events with monotonic timestamps, active-low honoured.
func checkInputs(_ probe: Probe, clock: LinuxMonotonicClock) {
    probe.step("inputs") {
        let tach = try GPIOInputLine(named: "TACH", consumer: "needle-probe", edges: .both, device: "tach")
        guard let world = SimLine.find(chipName: tach.location.chip.name, offset: tach.location.offset) else {
            probe.check("TACH sim side", false, "not found")
            return
        }
        probe.check("TACH idle inactive", try tach.read() == false)
        probe.check("no edge queued at start", try tach.nextEdge() == nil)

        let before = clock.nowNanoseconds()
        world.setPull(up: true)
        settle()
        let after = clock.nowNanoseconds()
        probe.check("TACH reads active after pull-up", try tach.read() == true)
        if let edge = try tach.nextEdge() {
            probe.check("rising edge reported as became-active", edge.becameActive)
            probe.check("edge timestamp is CLOCK_MONOTONIC, within the flip",
                        edge.timestampNs >= before && edge.timestampNs <= after,
                        "edge \(edge.timestampNs) not in \(before)...\(after)")
            emit("INFO tach edge \(edge.timestampNs - before) ns after the pull write began")
        } else {
            probe.check("rising edge queued", false, "none")
        }
        world.setPull(up: false)
        settle()
        let falling = try tach.nextEdge()
        probe.check("falling edge reported as became-inactive", falling?.becameActive == false, "\(String(describing: falling))")
        probe.check("queue empty after draining", try tach.nextEdge() == nil)

        // Five strokes queue five activations: what the stroke-rate counter will consume.
        for _ in 0..<5 {
            world.setPull(up: true)
            world.setPull(up: false)
        }
        settle()
        let drained = try tach.drainActivations()
        probe.check("five strokes drain as five activations", drained.count == 5, "count \(drained.count)")

        // TRIGGER is active low and pulled up by gpio-sim-setup: idle means inactive.
        let trigger = try GPIOInputLine(named: "TRIGGER", activeLow: true, edges: .both, device: "trigger")
        if let tw = SimLine.find(chipName: trigger.location.chip.name, offset: trigger.location.offset) {
            probe.check("active-low TRIGGER idle (high) reads inactive", try trigger.read() == false, "pull \(tw.pull)")
            tw.setPull(up: false)
            settle()
            probe.check("TRIGGER pulled low reads active", try trigger.read() == true)
            let edge = try trigger.nextEdge()
            probe.check("TRIGGER falling level is a became-active edge", edge?.becameActive == true, "\(String(describing: edge))")
        }

        // A line without edge detection never has an edge.
        let estop = try GPIOInputLine(named: "ESTOP", device: "estop")
        probe.check("input without edges reports none", try estop.nextEdge() == nil)

        do throws(LinuxBackendError) {
            _ = try GPIOInputLine(named: "NO_SUCH_LINE")
            probe.check("unknown line name refused", false, "found")
        } catch {
            probe.check("unknown line name refused, naming it and the chips",
                        error == .gpioLineNotFound(name: "NO_SUCH_LINE", searched: ["gpiochip0"]), "\(error)")
        }
    }
}
