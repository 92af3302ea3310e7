import Foundation

/// The audit log's hash chain: each entry's hash covers the previous hash and its own payload,
/// so editing or removing any entry breaks every hash after it.
public enum AuditHash {
    /// The "previous hash" of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// Lowercase hex SHA-256 of `previous + "\n" + payload` (UTF-8).
    public static func hash(previous: String, payload: String) -> String {
        Hex.sha256(Data((previous + "\n" + payload).utf8))
    }
}
