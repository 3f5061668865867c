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
        // The AS5600 driver's read: one I2C block read of 0x0B..0x0D. i2c-stub answers a
        // block read with the low byte of each register's word, so run-probe also set 0x0D
        // to 0xBC (the angle's low byte, which a real AS5600 keeps there).
        let block = try bus.readBlock(address: 0x36, register: 0x0B, count: 3)
        probe.check("I2C block read of 0x0B..0x0D returns STATUS, RAW ANGLE high, low (0xBC0A20)",
                    block == 0xBC0A20, "0x\(String(block, radix: 16))")
        // A block write (the HIL world's way of setting the sensor) lands in one transfer.
        _ = try bus.perform(.writeI2CBlockData(register: 0x0B, count: 3, bytes: 0x3401_28), address: 0x36)
        let written = try bus.readBlock(address: 0x36, register: 0x0B, count: 3)
        probe.check("I2C block write then block read round-trips", written == 0x3401_28, "0x\(String(written, radix: 16))")
        probe.check("block-written bytes read back one by one",
                    try bus.readByte(address: 0x36, register: 0x0B) == 0x28
                        && bus.readByte(address: 0x36, register: 0x0C) == 0x01
                        && bus.readByte(address: 0x36, register: 0x0D) == 0x34)
        // i2c-stub cuts a block read at its last register: 4 bytes from 0xFE come back as 2,
        // the short read LinuxI2CBus must report as an error, not as a value.
        do throws(HALError) {
            let value = try bus.readBlock(address: 0x36, register: 0xFE, count: 4)
            probe.check("a short block read (i2c-stub's 2 of 4 bytes at 0xFE) fails", false, "read 0x\(String(value, radix: 16))")
        } catch {
            probe.check("a short block read (i2c-stub's 2 of 4 bytes at 0xFE) fails with EPROTO",
                        error == HALError(.bus, device: "depth-i2c", errno: EPROTO), "\(error)")
        }
        do throws(HALError) {
            _ = try bus.readBlock(address: 0x36, register: 0x0B, count: 5)
            probe.check("a 5-byte block read is refused", false, "read succeeded")
        } catch {
            probe.check("a 5-byte block read is refused before a syscall",
                        error == HALError(.invalidArgument, device: "depth-i2c", errno: EINVAL), "\(error)")
        }

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
        let blockStart = clock.nowNanoseconds()
        for _ in 0..<n { _ = try bus.readBlock(address: 0x36, register: 0x0B, count: 3) }
        emit("INFO i2c 3-byte block read: \((clock.nowNanoseconds() - blockStart) / UInt64(n)) ns per read (i2c-stub under TCG)")
        // The AS5600 read before and after issue 10: STATUS byte + angle word, or one block.
        let pairStart = clock.nowNanoseconds()
        for _ in 0..<n {
            _ = try bus.readByte(address: 0x36, register: 0x0B)
            _ = try bus.readBigEndianWord(address: 0x36, register: 0x0C)
        }
        emit("INFO i2c byte + word read (the old AS5600 read): \((clock.nowNanoseconds() - pairStart) / UInt64(n)) ns per pair (i2c-stub under TCG)")
    }
}
