// fuzz-modules: NeedleConfig
// The configuration file parser: any bytes in /etc/needled/needled.toml must give a config
// or a clear error, never a crash, a hang or a leak. Checked on every input:
//   - a refusal is a ConfigError; a syntax error names its line and column;
//   - an accepted text parses again to the same config (the parser keeps no state).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let config = try NeedledConfig.parse(toml: text)
        precondition((try? NeedledConfig.parse(toml: text)) == config, "a second parse of the same text differs")
    } catch {
        if error.kind == .syntax {
            precondition(error.allowed.contains(" at line "), "syntax error without a position: \(error)")
        }
    }
    return 0
}
