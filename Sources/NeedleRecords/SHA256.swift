import CMD

/// SHA-256 of the records' hash chain, from libmd (Debian's small BSD digest library, also
/// what libbsd uses): no full Foundation may be linked into needled, and SQLite has no
/// SHA-256 of its own. Checked against FIPS 180-4's test vectors in `SHA256Tests`.
enum SHA256 {
    /// The digest of `text`'s UTF-8 bytes as 64 lowercase hexadecimal digits.
    static func hex(_ text: String) -> String {
        hex(bytes: Array(text.utf8))
    }

    static func hex(bytes: [UInt8]) -> String {
        var context = SHA2_CTX()
        SHA256Init(&context)
        bytes.withUnsafeBufferPointer { buffer in
            SHA256Update(&context, buffer.baseAddress, buffer.count)
        }
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBufferPointer { buffer in
            SHA256Final(buffer.baseAddress, &context)
        }
        return hexDigits(digest)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hexDigits(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
