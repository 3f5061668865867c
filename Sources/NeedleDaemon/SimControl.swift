import NeedleProtocol
import NeedleSim

/// Carries out `sim` commands on the simulated pen: the world side of the test rig.
struct SimControl: Sendable {
    let pen: SimulatedPen
    /// Where the collar can physically be turned (a little beyond the clinical range, so
    /// over-depth can be simulated).
    static let collarRangeMM = 0.0...3.5

    func perform(_ action: SimAction) -> Result<String, ProtocolError> {
        switch action {
        case .depth(let mm):
            guard mm.isFinite, Self.collarRangeMM.contains(mm) else {
                return .failure(ProtocolError(.invalidRequest, "depth_mm must be within 0...3.5 (the collar's travel)"))
            }
            pen.setDepth(mm: mm)
            return .success("collar turning to \(mm) mm")
        case .fault(let fault, let clear):
            guard let simFault = SimFault(rawValue: fault.rawValue) else {
                return .failure(ProtocolError(.invalidRequest, "unknown fault \(fault.rawValue)"))
            }
            if clear { pen.clear(simFault) } else { pen.inject(simFault) }
            return .success("\(clear ? "cleared" : "injected") \(fault.rawValue)")
        case .load(let fraction):
            pen.setLoad(fraction)
            return .success("load \(fraction)")
        case .trigger(let pressed):
            if pressed { pen.pressTrigger() } else { pen.releaseTrigger() }
            return .success("trigger \(pressed ? "pressed" : "released")")
        }
    }
}
