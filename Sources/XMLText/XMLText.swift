/// XML 1.0 escaping without Foundation, shared by what writes XML: the session report's SVG
/// (NeedleReport) and needle-hil's JUnit file. One escaper, so both handle markup, line
/// breaks and control characters the same way.
public enum XMLText {
    /// Text made safe for XML 1.0 character data and attribute values: the five markup
    /// characters become entities, a line break or tab becomes a character reference (so it
    /// survives in an attribute, where a parser would fold a raw one into a space), and the
    /// control characters XML 1.0 cannot carry at all become a visible `\u{XX}`.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    out += "\\u{" + String(v, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
