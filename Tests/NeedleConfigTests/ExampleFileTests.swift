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
                    "bus", "address", "cartridge_address", "frequency_hz", "polarity", "sysfs_root",
                    "minimum_interval_days"] {
            #expect(text.contains("\n\(key) = "), "\(key) missing from config/needled.toml")
        }
        // The factory calibration is documented but left out (absent: uncalibrated).
        for key in ["zero_counts", "mm_per_count"] {
            #expect(text.contains("\n# \(key) = "), "\(key) not documented in config/needled.toml")
        }
        for role in LineRole.allCases {
            #expect(text.contains("[hardware.gpio.\(role.rawValue)]"), "\(role.rawValue) missing")
        }
    }

    @Test("the example file has a live [treatment] section: its interval is read from there")
    func exampleTreatmentSection() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        #expect(text.contains("\n[treatment]\n"))
        let changed = text.replacingOccurrences(of: "\nminimum_interval_days = 28\n", with: "\nminimum_interval_days = 42\n")
        #expect(try NeedledConfig.parse(toml: changed).treatment.minimumIntervalDays == 42)
    }

    @Test("the example's commented area table documents every key and is valid once uncommented")
    func exampleAreaTable() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        for area in TreatmentSection.knownAreas {
            #expect(text.contains(area), "area \(area) missing from config/needled.toml")
        }
        let keys = ["depth_min_mm", "depth_max_mm", "default_depth_mm", "speed", "session_s"]
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.hasPrefix("# ") else { return String(line) }
            let rest = line.dropFirst(2)
            let isAreaLine = rest.hasPrefix("[treatment.areas.") || keys.contains { rest.hasPrefix("\($0) = ") }
            return isAreaLine ? String(rest) : String(line)
        }.joined(separator: "\n")
        for key in keys {
            #expect(uncommented.contains("\n\(key) = "), "\(key) missing from config/needled.toml")
        }
        let areas = try NeedledConfig.parse(toml: uncommented).treatment.areas
        #expect(areas.count == 1)
        let example = try #require(areas.first?.value)
        #expect(example.depthMinMM != nil && example.depthMaxMM != nil && example.defaultDepthMM != nil)
        #expect(example.speed != nil && example.sessionS != nil)
    }

    @Test("an empty file is the defaults")
    func emptyIsDefaults() throws {
        #expect(try NeedledConfig.parse(toml: "") == NeedledConfig())
    }
}
