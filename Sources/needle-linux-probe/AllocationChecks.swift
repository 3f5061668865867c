import Glibc
import NeedleHAL
import NeedleLinux
import NeedleProbeAllocCounter

/// Runs `body` `iterations` times after one warm-up call and returns the heap allocations
/// it made (the warm-up absorbs one-time work such as lazy metadata).
func allocations(_ iterations: Int = 200, _ body: () throws -> Void) rethrows -> UInt64 {
    try body()
    needle_alloc_count_start()
    for _ in 0..<iterations { try body() }
    return needle_alloc_count_stop()
}

/// The control loop calls these every tick: each must allocate nothing, errors included.
func checkAllocationFree(_ probe: Probe) {
    probe.step("allocation-free") {
        let sanity = allocations(1) { _ = [Int](repeating: 0, count: 8 + Int.random(in: 0...1)) }
        probe.check("allocation counter sees an array allocation", sanity >= 1, "counted \(sanity)")

        let heartbeat = try GPIOOutputLine(named: "HEARTBEAT", device: "heartbeat")
        var level = false
        let sets = try allocations { level.toggle(); try heartbeat.set(active: level) }
        probe.check("GPIOOutputLine.set allocates nothing", sets == 0, "\(sets) allocations")

        let tach = try GPIOInputLine(named: "TACH", edges: .both, device: "tach")
        let reads = try allocations { _ = try tach.read() }
        probe.check("GPIOInputLine.read allocates nothing", reads == 0, "\(reads) allocations")
        let empty = try allocations { _ = try tach.nextEdge() }
        probe.check("nextEdge with no edge queued allocates nothing", empty == 0, "\(empty) allocations")
        if let world = SimLine.find(chipName: tach.location.chip.name, offset: tach.location.offset) {
            // 8 strokes = 16 edges: exactly the v1 uAPI's per-line event FIFO (16 entries).
            // Paced: gpio-sim raises its interrupts through irq_sim, which keeps one pending
            // bit per line, so pull changes made before the kernel has handled the previous
            // one merge into one edge (unpaced, this VM queued 1–12 of the 16).
            for _ in 0..<8 {
                world.setPull(up: true)
                settle()
                world.setPull(up: false)
                settle()
            }
            settle()
            var drained = 0
            needle_alloc_count_start()
            while let _ = try tach.nextEdge() { drained += 1 }
            let edges = needle_alloc_count_stop()
            probe.check("draining 16 queued edges allocates nothing", edges == 0 && drained == 16, "\(edges) allocations, \(drained) edges")

            // Past the FIFO the kernel drops edges: the loop must drain well within 16 edges
            // (at 150 strokes/s, both edges: ~53 ms; a 1 kHz loop drains every 1 ms).
            for _ in 0..<20 {
                world.setPull(up: true)
                world.setPull(up: false)
            }
            settle()
            var kept = 0
            while let _ = try tach.nextEdge() { kept += 1 }
            emit("INFO edge FIFO kept \(kept) of 40 edges (kernel per-line event queue)")
            probe.check("edge FIFO holds at least 16 edges", kept >= 16, "kept \(kept)")
        }

        if let adapter = stubAdapter() {
            let bus = try LinuxI2CBus(bus: adapter, device: "depth-i2c")
            let words = try allocations { _ = try bus.readBigEndianWord(address: 0x36, register: 0x0C) }
            probe.check("LinuxI2CBus word read allocates nothing", words == 0, "\(words) allocations")
            let blocks = try allocations { _ = try bus.readBlock(address: 0x36, register: 0x0B, count: 3) }
            probe.check("LinuxI2CBus 3-byte block read (the AS5600 tick read) allocates nothing", blocks == 0, "\(blocks) allocations")
            // Alternating addresses forces the I2C_SLAVE ioctl and a thrown HALError each time.
            let failures = allocations {
                _ = try? bus.readByte(address: 0x37, register: 0x0B)
                _ = try? bus.readByte(address: 0x36, register: 0x0B)
            }
            probe.check("a failing I2C transfer (thrown HALError) allocates nothing", failures == 0, "\(failures) allocations")
        }

        let root = "/tmp/pwm-alloc"
        mkdirs(root + "/pwmchip0/pwm0")
        for (file, value) in [("period", "0\n"), ("duty_cycle", "0\n"), ("enable", "0\n"), ("polarity", "normal\n")] {
            writeFile(root + "/pwmchip0/pwm0/" + file, value)
        }
        let pwm = try SysfsPWMChannel(sysfsRoot: root, device: "motor-pwm")
        var step: UInt32 = 0
        let applies = try allocations {
            step &+= 1
            try pwm.apply(PWMState(periodNs: 40_000 + (step % 3) * 5_000, dutyNs: (step % 7) * 4_000, enabled: step % 5 != 0))
        }
        probe.check("SysfsPWMChannel.apply allocates nothing", applies == 0, "\(applies) allocations")

        let clock = LinuxMonotonicClock()
        let now = allocations { _ = clock.nowNanoseconds() }
        probe.check("LinuxMonotonicClock allocates nothing", now == 0, "\(now) allocations")
    }
}
