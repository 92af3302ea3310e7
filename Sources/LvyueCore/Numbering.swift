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
