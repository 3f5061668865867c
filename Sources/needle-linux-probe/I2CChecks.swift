import Glibc
import NeedleHAL
import NeedleLinux

/// The i2c-stub adapter's number, found by its name in sysfs.
func stubAdapter() -> Int? {
    for entry in entries("/sys/bus/i2c/devices") where entry.hasPrefix("i2c-") {
        if readFirstLine("/sys/bus/i2c/devices/\(entry)/name") == "SMBus stub driver" {
            return Int(entry.dropFirst(4))
        }
    }
    return nil
}

/// AS5600 registers on i2c-stub at 0x36: values set beforehand by i2cset (run-probe's
/// command) are read through LinuxI2CBus, then written and read back through it.
func checkI2C(_ probe: Probe, clock: LinuxMonotonicClock) {
    probe.step("i2c") {
        guard let adapter = stubAdapter() else {
            probe.check("i2c-stub adapter present", false, "no 'SMBus stub driver' in /sys/bus/i2c/devices")
            return
        }
        let bus = try LinuxI2CBus(bus: adapter, device: "depth-i2c")
        let status = try bus.readByte(address: 0x36, register: 0x0B)
        probe.check("STATUS set by i2cset reads 0x20 (magnet detected)", status == 0x20, "0x\(String(status, radix: 16))")
        let raw = try bus.readBigEndianWord(address: 0x36, register: 0x0C)
        probe.check("RAW ANGLE set by i2cset reads 0x0ABC high byte first", raw == 0x0ABC, "0x\(String(raw, radix: 16))")

        // STATUS written through the bus (magnet too strong), read back, restored.
        try bus.writeByte(address: 0x36, register: 0x0B, value: 0x08)
        probe.check("STATUS written through the bus reads back", try bus.readByte(address: 0x36, register: 0x0B) == 0x08)
        try bus.writeByte(address: 0x36, register: 0x0B, value: 0x20)
        _ = try bus.perform(.writeWordData(register: 0x0C, value: UInt16(0x0123).byteSwapped), address: 0x36)
        probe.check("word write then big-endian word read round-trips",
                    try bus.readBigEndianWord(address: 0x36, register: 0x0C) == 0x0123)

        // No device at 0x37. Real adapters answer a NACK with ENXIO/EREMOTEIO; i2c-stub answers
        // ENODEV, which the table maps to unavailable. Either way: a HAL error, not a value.
        do throws(HALError) {
            _ = try bus.readByte(address: 0x37, register: 0x0B)
            probe.check("absent address fails", false, "read succeeded")
        } catch {
            probe.check("absent address fails with a mapped HAL error",
                        error == HALError(.unavailable, device: "depth-i2c", errno: ENODEV), "\(error)")
        }
        // Switching back after the failed address re-selects 0x36.
        probe.check("address re-selected after another device",
                    try bus.readByte(address: 0x36, register: 0x0B) == 0x20)

        let n = 1000
        let start = clock.nowNanoseconds()
        for _ in 0..<n { _ = try bus.readBigEndianWord(address: 0x36, register: 0x0C) }
        emit("INFO i2c word read: \((clock.nowNanoseconds() - start) / UInt64(n)) ns per read (i2c-stub under TCG)")
    }
}
