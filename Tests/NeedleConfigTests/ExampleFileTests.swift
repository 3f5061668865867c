import Foundation
import NeedleConfig
import Testing

@Suite("Example config file")
struct ExampleFileTests {
    /// config/needled.toml in the source tree, found from this file's path.
    static let examplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/needled.toml").path

    @Test("config/needled.toml parses and equals the defaults, so it cannot drift from the code")
    func exampleEqualsDefaults() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let parsed = try NeedledConfig.parse(toml: text)
        #expect(parsed == NeedledConfig())
    }

    @Test("the example file sets every key it documents (a changed default would show)")
    func exampleSetsKeys() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        for key in ["socket", "rate_hz", "log_level", "state_directory", "tolerance_mm", "backend",
                    "bus", "address", "frequency_hz", "polarity", "sysfs_root", "zero_counts", "mm_per_count"] {
            #expect(text.contains("\n\(key) = "), "\(key) missing from config/needled.toml")
        }
        for role in LineRole.allCases {
            #expect(text.contains("[hardware.gpio.\(role.rawValue)]"), "\(role.rawValue) missing")
        }
    }

    @Test("an empty file is the defaults")
    func emptyIsDefaults() throws {
        #expect(try NeedledConfig.parse(toml: "") == NeedledConfig())
    }
}
