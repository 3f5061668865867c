import Foundation
import Testing

@testable import NeedleLinux

/// Which half of the GPIO shim a build compiled is chosen by the libgpiod header it found
/// (needle_gpio_version.h). These tests pin that choice to the Debian release the tests run
/// on, so that a header test picking the wrong half cannot pass unnoticed: stage 10-swift
/// runs them on Debian 12 (libgpiod 1.6), stage 35-trixie in the Debian 13 root (2.x).
@Suite("GPIO shim: the libgpiod API it was built for")
struct GPIOShimVersionTests {
    @Test("the libgpiod linked at run time has the major version of the API the shim was compiled for")
    func libraryMatchesAPI() {
        let major = GPIOShimInfo.libraryVersion.split(separator: ".").first.map(String.init)
        #expect(major == String(GPIOShimInfo.apiVersion), "libgpiod \(GPIOShimInfo.libraryVersion), shim API v\(GPIOShimInfo.apiVersion)")
    }

    @Test("Debian 12 builds the shim over libgpiod 1.x, Debian 13 over 2.x (other systems: not checked)")
    func apiFollowsRelease() throws {
        let release = try osRelease()
        let expected: Int? = switch (release["ID"], release["VERSION_ID"]) {
        case ("debian", "12"), ("raspbian", "12"): 1
        case ("debian", "13"), ("raspbian", "13"): 2
        default: nil
        }
        guard let expected else { return }
        #expect(GPIOShimInfo.apiVersion == expected, "on \(release["PRETTY_NAME"] ?? "?"): shim API v\(GPIOShimInfo.apiVersion), libgpiod \(GPIOShimInfo.libraryVersion)")
    }

    /// /etc/os-release as KEY=value pairs, quotes removed.
    private func osRelease() throws -> [String: String] {
        var fields: [String: String] = [:]
        for line in try String(contentsOfFile: "/etc/os-release", encoding: .utf8).split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<eq])] = line[line.index(after: eq)...].trimmingCharacters(in: ["\""])
        }
        return fields
    }
}
