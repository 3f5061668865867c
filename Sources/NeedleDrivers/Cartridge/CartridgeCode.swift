/// A cartridge's 12-byte ASCII serial or lot, held inline (two integers) so that reading,
/// copying and comparing one never allocates on the control loop's path.
public struct CartridgeCode: Sendable, Hashable {
    /// Bytes 0–7, little-endian (byte 0 in the lowest bits).
    public var low: UInt64
    /// Bytes 8–11, little-endian.
    public var high: UInt32

    public init(low: UInt64, high: UInt32) {
        self.low = low
        self.high = high
    }

    /// Byte `index` (0..<12).
    public subscript(index: Int) -> UInt8 {
        get {
            index < 8
                ? UInt8(truncatingIfNeeded: low >> (UInt64(index) * 8))
                : UInt8(truncatingIfNeeded: high >> (UInt32(index - 8) * 8))
        }
        set {
            if index < 8 {
                let shift = UInt64(index) * 8
                low = low & ~(0xFF << shift) | UInt64(newValue) << shift
            } else {
                let shift = UInt32(index - 8) * 8
                high = high & ~(0xFF << shift) | UInt32(newValue) << shift
            }
        }
    }

    /// The code from text: at most 12 printable ASCII characters (padded with 0x00), else nil.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count <= CartridgeLayout.codeLength, bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            return nil
        }
        self.init(low: 0, high: 0)
        for (index, byte) in bytes.enumerated() { self[index] = byte }
    }

    /// Whether the bytes are printable ASCII, right-padded with 0x00, and not empty.
    public var isWellFormed: Bool {
        var ended = false
        for index in 0..<CartridgeLayout.codeLength {
            let byte = self[index]
            if byte == 0 {
                ended = true
            } else if ended || !(0x20...0x7E).contains(byte) {
                return false
            }
        }
        return self[0] != 0
    }

    /// The text, without padding (allocates: for status and records, not the tick).
    public var text: String {
        var bytes: [UInt8] = []
        for index in 0..<CartridgeLayout.codeLength where self[index] != 0 { bytes.append(self[index]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
