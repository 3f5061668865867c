// swift-tools-version: 6.0
// needled — controller firmware of a motorized microneedling pen.
// Layers depend one way: executables → NeedleDaemon → NeedleCore; backends (NeedleSim,
// NeedleLinux) implement the NeedleHAL protocols; NeedleCore knows no hardware at all.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

// The toolchain's static-stdlib link arguments add `-export-dynamic`, which puts every public
// symbol of every package module (13,000 of them, 1.2 MB of .dynsym/.dynstr that `strip`
// keeps) into the shipped binaries. Nothing loads them by name: the Swift runtime finds
// metadata and conformances through its own ELF sections. Release only, so the test runner
// links exactly as SwiftPM sets it up.
let shippedBinary: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "needled",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "needled", targets: ["needled"]),
        .executable(name: "needlectl", targets: ["needlectl"]),
        .executable(name: "needle-bench", targets: ["needle-bench"]),
        .executable(name: "needle-linux-probe", targets: ["needle-linux-probe"]),
        .executable(name: "needle-hil", targets: ["needle-hil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
    ],
    targets: [
        // Small hardware protocols: digital in/out, PWM, I2C/SMBus, depth sensor, clock.
        .target(name: "NeedleHAL", swiftSettings: strict),
        // The pure safety supervisor: readings and a timestamp in, output commands out.
        .target(name: "NeedleCore", swiftSettings: strict),
        // Device drivers written once against NeedleHAL (AS5600 depth sensor).
        .target(name: "NeedleDrivers", dependencies: ["NeedleHAL"], swiftSettings: strict),
        // A simulated pen: motor, cam, tach, depth collar, AS5600 registers, watchdog, faults.
        .target(name: "NeedleSim", dependencies: ["NeedleHAL"], swiftSettings: strict),
        // libgpiod (Debian 12 / Raspberry Pi OS bookworm ship 1.6). Only CGPIODShim imports it.
        .systemLibrary(name: "CGPIOD", pkgConfig: "libgpiod", providers: [.apt(["libgpiod-dev"])]),
        // The one place that knows libgpiod's API version: a small version-neutral C API over
        // libgpiod 1.6 (v2 is one file of its own, chosen by the header it compiles against).
        .target(name: "CGPIODShim", dependencies: ["CGPIOD"]),
        // libi2c's SMBus helpers and i2c-dev's ioctls. libi2c-dev ships no .pc file.
        .systemLibrary(name: "CI2C", providers: [.apt(["libi2c-dev"])]),
        // Linux backends of the NeedleHAL protocols: GPIO (libgpiod), I2C (i2c-dev), sysfs PWM.
        .target(
            name: "NeedleLinux", dependencies: ["NeedleHAL", "CGPIODShim", "CI2C"],
            swiftSettings: strict),
        // Counts the process's heap allocations; replaces malloc, so only the probe links it.
        .target(name: "NeedleProbeAllocCounter"),
        // Proves the Linux backends against real kernel devices inside the VM rig.
        .executableTarget(
            name: "needle-linux-probe", dependencies: ["NeedleLinux", "NeedleHAL", "NeedleProbeAllocCounter"],
            swiftSettings: strict),
        // Runs HIL scenario files against needled: on the simulated pen, or on the VM rig's
        // kernel devices (gpio-sim, i2c-stub) with the world's physics played from outside.
        // No Foundation (static binary in the VM); FoundationEssentials via NeedleProtocol.
        .executableTarget(
            name: "needle-hil", dependencies: ["NeedleProtocol", "NeedleLinux", "NeedleHAL", "NeedleDrivers", "XMLText"],
            swiftSettings: strict),
        // Test doubles shared by test targets (scripted I2C bus with ordered expectations).
        .target(name: "NeedleTestSupport", dependencies: ["NeedleHAL"], swiftSettings: strict),
        // The configuration file's model: sections, defaults, validation (no I/O here).
        .target(name: "NeedleConfig", swiftSettings: strict),
        // Wire types of the control socket, shared by needled and needlectl.
        .target(name: "NeedleProtocol", swiftSettings: strict),
        // A session's one-page report (facts, depth and stroke-rate charts) as SVG: a pure
        // function of plain values, used by needlectl.
        .target(name: "NeedleReport", dependencies: ["XMLText"], swiftSettings: strict),
        // XML 1.0 escaping without Foundation, for the report's SVG and needle-hil's JUnit XML.
        .target(name: "XMLText", swiftSettings: strict),
        // SQLite's C API (libsqlite3-dev). Only NeedleRecords' small typed wrapper imports it.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // Durable treatment records: one SQLite row per session, straight on SQLite's C API
        // (no Foundation, no ICU). Knows no other project module, so its API is plain values
        // the daemon maps to.
        // libmd (libmd-dev): SHA-256 for the records' hash chain. Only NeedleRecords imports it.
        .systemLibrary(name: "CMD", pkgConfig: "libmd", providers: [.apt(["libmd-dev"])]),
        .target(name: "NeedleRecords", dependencies: ["CSQLite", "CMD"], swiftSettings: strict),
        // Control-loop thread, socket server, command routing, process glue.
        .target(
            name: "NeedleDaemon",
            dependencies: [
                "NeedleCore", "NeedleHAL", "NeedleDrivers", "NeedleSim", "NeedleProtocol", "NeedleConfig", "NeedleLinux",
                "NeedleRecords",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "needled",
            dependencies: [
                "NeedleDaemon", "NeedleConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            linkerSettings: shippedBinary
        ),
        .executableTarget(
            name: "needlectl",
            dependencies: [
                "NeedleProtocol", "NeedleReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict,
            linkerSettings: shippedBinary
        ),
        .executableTarget(
            name: "needle-bench",
            dependencies: [
                "NeedleDaemon", "NeedleSim", "NeedleCore", "NeedleRecords",
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "NeedleCoreTests", dependencies: ["NeedleCore"], swiftSettings: strict),
        .testTarget(
            name: "NeedleDriversTests", dependencies: ["NeedleDrivers", "NeedleTestSupport"],
            swiftSettings: strict),
        .testTarget(name: "NeedleSimTests", dependencies: ["NeedleSim", "NeedleDrivers"], swiftSettings: strict),
        .testTarget(name: "NeedleLinuxTests", dependencies: ["NeedleLinux", "NeedleHAL"], swiftSettings: strict),
        .testTarget(name: "NeedleProtocolTests", dependencies: ["NeedleProtocol"], swiftSettings: strict),
        .testTarget(name: "NeedleReportTests", dependencies: ["NeedleReport"], swiftSettings: strict),
        // The example config file is read from the source tree, so it cannot drift.
        .testTarget(name: "NeedleConfigTests", dependencies: ["NeedleConfig"], swiftSettings: strict),
        // Fixtures/ holds a records file written by the GRDB-era needled, read from the
        // source tree (#filePath) like the example config, so it needs no resource bundle.
        .testTarget(
            name: "NeedleRecordsTests", dependencies: ["NeedleRecords", "CSQLite"], exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "NeedleDaemonTests",
            dependencies: ["NeedleDaemon", "NeedleSim", "NeedleCore", "NeedleProtocol", "NeedleConfig"],
            swiftSettings: strict),
        // Start the real needled binary on the simulated pen and drive it through
        // the socket and through needlectl.
        .testTarget(
            name: "ScenarioTests", dependencies: ["NeedleProtocol", "NeedleRecords", "XMLText", "needled", "needlectl", "needle-hil"],
            swiftSettings: strict),
    ]
)
