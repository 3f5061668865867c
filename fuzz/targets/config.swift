// fuzz-modules: NeedleConfig
// fuzz-requires: static func parse(toml
// The configuration file parser: any bytes in /etc/needled/needled.toml must give a config
// or a clear error, never a crash or a hang. (Skipped by fuzz/run until NeedleConfig has
// NeedledConfig.parse(toml:).)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? NeedledConfig.parse(toml: text)
    return 0
}
