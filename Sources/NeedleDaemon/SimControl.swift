import NeedleProtocol
import NeedleSim

/// Carries out `sim` commands on the simulated pen: the world side of the test rig.
struct SimControl: Sendable {
    let pen: SimulatedPen
    /// Where the collar can physically be turned (a little beyond the clinical range, so
    /// over-depth can be simulated).
    static let collarRangeMM = 0.0...3.5

    func perform(_ action: SimAction) -> Result<ResultPayload, ProtocolError> {
        switch action {
        case .depth(let mm):
            guard mm.isFinite, Self.collarRangeMM.contains(mm) else {
                return .failure(ProtocolError(.invalidRequest, "depth_mm must be within 0...3.5 (the collar's travel)"))
            }
            pen.setDepth(mm: mm)
            return .success(.message("collar turning to \(mm) mm"))
        case .fault(let fault, let clear):
            guard let simFault = SimFault(rawValue: fault.rawValue) else {
                return .failure(ProtocolError(.invalidRequest, "unknown fault \(fault.rawValue)"))
            }
            if clear { pen.clear(simFault) } else { pen.inject(simFault) }
            return .success(.message("\(clear ? "cleared" : "injected") \(fault.rawValue)"))
        case .load(let fraction):
            pen.setLoad(fraction)
            return .success(.message("load \(fraction)"))
        case .trigger(let pressed):
            if pressed { pen.pressTrigger() } else { pen.releaseTrigger() }
            return .success(.message("trigger \(pressed ? "pressed" : "released")"))
        case .lines:
            return .success(.json(Self.lines(pen.snapshot())))
        case .cartridgeInsert(let cartridge):
            // A real swap always has the old cartridge out first; the pen re-reads the
            // identity only when the cartridge-present input comes back.
            if (try? pen.cartridgePresent.read()) == true {
                return .failure(ProtocolError(.busy, "a cartridge is seated: remove it first (sim cartridge remove)"))
            }
            guard let needles = UInt8(exactly: cartridge.needles) else {
                return .failure(ProtocolError(.invalidRequest, "needles must be within 1...255"))
            }
            pen.insertCartridge(serial: cartridge.serial, lot: cartridge.lot, needles: needles, used: cartridge.used)
            return .success(.message(
                "cartridge \(cartridge.serial) (lot \(cartridge.lot), \(needles) needles\(cartridge.used ? ", used" : "")) seated"))
        case .cartridgeRemove:
            pen.removeCartridge()
            return .success(.message("cartridge removed"))
        }
    }
}

extension SimControl {
    /// The outputs as the HIL runner compares them across worlds: each line by its
    /// reference-design name (1 = driven high; every reference output is active high) and
    /// the PWM as the sysfs files hold it.
    static func lines(_ s: SimSnapshot) -> JSONValue {
        func level(_ on: Bool) -> JSONValue { .integer(on ? 1 : 0) }
        return .object([
            "MOTOR_EN": level(s.motorEnable), "MOTOR_BRAKE": level(s.brake), "HEARTBEAT": level(s.heartbeat),
            "LED_STATUS": level(s.statusLED), "LED_FAULT": level(s.faultLED),
            "PWM_ENABLE": level(s.pwm.enabled), "PWM_PERIOD_NS": .integer(Int64(s.pwm.periodNs)),
            "PWM_DUTY_NS": .integer(Int64(s.pwm.dutyNs)),
        ])
    }
}
