import NeedleConfig
import NeedleCore
import NeedleProtocol
import Testing
@testable import NeedleDaemon

/// Every refusal, fault and state the core can produce has its own wire value, so no
/// client ever sees `internal` (or a wrong state) for something the core decided.
@Suite("Core-to-wire mapping")
struct WireMappingTests {
    @Test("every core refusal code is a wire error code", arguments: Refusal.Code.allCases)
    func refusalCodes(code: Refusal.Code) {
        #expect(ErrorCode(rawValue: code.rawValue) != nil, "\(code.rawValue) has no ErrorCode")
    }

    @Test("every core fault is a wire fault code", arguments: Fault.allCases)
    func faults(fault: Fault) {
        #expect(FaultCode(rawValue: fault.code) != nil, "\(fault.code) has no FaultCode")
    }

    @Test("every supervisor state is a wire state",
          arguments: SupervisorState.allCases)
    func states(state: SupervisorState) {
        #expect(PenState(rawValue: state.rawValue) != nil, "\(state.rawValue) has no PenState")
    }
}

/// The config file's default socket and the one the CLI connects to are the same path.
@Suite("Default socket path")
struct DefaultSocketPathTests {
    @Test("daemon.socket defaults to the path needlectl uses")
    func sameDefault() {
        #expect(NeedleConfig.DaemonSection().socket == ControlSocket.defaultPath)
    }
}
