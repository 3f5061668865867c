// fuzz-package: NeedleConfig TOMLKit CTOML
// fuzz-options: -detect_leaks=0
// The configuration file parser: any bytes in /etc/needled/needled.toml must give a config
// or a clear error, never a crash or a hang. 
// NeedleConfig depends on TOMLKit (a package), so it is built by SwiftPM with the
// sanitizers and this file is linked against its objects.
// Leak detection is off for this target only: TOMLKit 0.6.0's TOMLTable(string:) never
// frees its error buffer (24 bytes a parse, plus the C++ error message, 96 bytes, on a
// failed parse; found by this fuzzer on its first input). needled parses at start-up and
// on SIGHUP, so the leak is bounded; crashes, hangs and memory errors are still caught.

import NeedleConfig

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? NeedledConfig.parse(toml: text)
    return 0
}
