import Crypto
import Foundation

/// Lowercase hexadecimal, as tokens, signatures, attachments and the audit chain are written.
public enum Hex {
    private static let lower = Array("0123456789abcdef".utf8), upper = Array("0123456789ABCDEF".utf8)

    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        let digits = lower
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `uuid.uuidString` (uppercase, 8-4-4-4-12), without the C library's formatted printing behind it; ids are written
    /// several dozen times per request (answers, audit copies, bound values).
    /// With `lowercase`, as links and paths write ids.
    public static func uuidString(_ uuid: UUID, lowercase: Bool = false) -> String {
        let digits = lowercase ? lower : upper
        var out = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        withUnsafeBytes(of: uuid.uuid) { bytes in
            var o = 0
            for (i, b) in bytes.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { o += 1 }
                out[o] = digits[Int(b >> 4)]
                out[o + 1] = digits[Int(b & 0x0F)]
                o += 2
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The id written as `uuidString` writes it (8-4-4-4-12 hex digits, either case), as `UUID(uuidString:)` reads it;
    /// nil for anything else. Foundation scans the text with the C library's `sscanf`, and every write reads ids.
    public static func uuid(_ text: String) -> UUID? {
        var text = text
        text.makeContiguousUTF8()  // nothing to do for a native string
        return text.utf8.withContiguousStorageIfAvailable { chars -> UUID? in
            guard chars.count == 36 else { return nil }
            var id: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &id) { out -> Bool in
                var c = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        guard chars[c] == UInt8(ascii: "-") else { return false }
                        c += 1
                    }
                    guard let high = digit(chars[c]), let low = digit(chars[c + 1]) else { return false }
                    out[i] = high << 4 | low
                    c += 2
                }
                return true
            }
            return ok ? UUID(uuid: id) : nil
        } ?? nil
    }

    /// The value of one hexadecimal digit (either case).
    static func digit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The SHA-256 of `data`, in lowercase hex.
    public static func sha256(_ data: some DataProtocol) -> String {
        lowercase(SHA256.hash(data: data))
    }
}

/// The numbers people quote: `SR-2026-000042`, `ESC-2026-0007`: a prefix, the year, and the year's running number
/// padded with zeros to `digits` (a longer number is written whole).
public enum DocumentNumber {
    public static func make(_ prefix: String, year: Int, _ n: Int, digits: Int) -> String {
        prefix + "-" + padded(year, 4) + "-" + padded(n, digits)
    }

    static func padded(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
