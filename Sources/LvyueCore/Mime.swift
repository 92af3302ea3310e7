import Foundation

/// A mailbox from an address header: `"张三" <zhang@example.cn>` → name 张三, address zhang@example.cn.
public struct MailAddress: Hashable, Sendable {
    public var name: String?
    /// Lower-cased: mail addresses are matched case-insensitively in practice.
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }
}

public enum MimeError: Error, Equatable, CustomStringConvertible {
    case empty
    case noHeaders
    case tooLarge(Int)

    public var description: String {
        switch self {
        case .empty: "the message is empty"
        case .noHeaders: "the message has no header section (RFC 5322: header fields, a blank line, then the body)"
        case .tooLarge(let n): "the message is larger than \(n) bytes"
        }
    }
}

/// An RFC 5322 message as the service desk needs it (issue #6 email intake): headers unfolded, the sender, the
/// decoded subject (RFC 2047 encoded words) and one plain-text body — `text/plain` preferred inside
/// multipart/alternative and multipart/mixed, quoted-printable and base64 undone, the part's charset applied.
public struct MimeMessage: Sendable {
    /// Header fields in order, names as written, values unfolded (not yet decoded).
    public var headers: [(name: String, value: String)]
    public var textBody: String

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var subject: String { Mime.decodeEncodedWords(header("Subject") ?? "").trimmingCharacters(in: .whitespaces) }
    public var from: MailAddress? { header("From").flatMap(Mime.parseAddress) }
    public var messageID: String? { header("Message-ID")?.trimmingCharacters(in: .whitespaces) }
    public var date: Date? { header("Date").flatMap(Mime.parseDate) }

    public static func parse(_ data: Data, maxBytes: Int = 10_000_000) throws -> MimeMessage {
        if data.isEmpty { throw MimeError.empty }
        if data.count > maxBytes { throw MimeError.tooLarge(maxBytes) }
        let entity = Mime.Entity(bytes: [UInt8](data))
        guard !entity.headers.isEmpty, entity.headers.allSatisfy({ !$0.name.isEmpty }) else { throw MimeError.noHeaders }
        let body = Mime.plainText(of: entity)
        return MimeMessage(headers: entity.headers, textBody: Mime.normalizeNewlines(body))
    }
}

public enum Mime {
    /// One MIME entity: its headers and raw body bytes.
    struct Entity {
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        init(bytes: [UInt8]) {
            // The header section ends at the first empty line (CRLF CRLF or LF LF).
            var end = bytes.count
            var bodyStart = bytes.count
            var i = 0
            var lineStart = 0
            while i < bytes.count {
                if bytes[i] == 0x0A {
                    let line = bytes[lineStart..<i]
                    if line.isEmpty || (line.count == 1 && line.first == 0x0D) {
                        end = lineStart
                        bodyStart = i + 1
                        break
                    }
                    lineStart = i + 1
                }
                i += 1
            }
            let headerText = String(decoding: bytes[0..<end], as: UTF8.self)
            headers = Mime.unfold(headerText)
            body = bodyStart <= bytes.count ? Array(bytes[bodyStart...]) : []
        }

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        var contentType: (type: String, params: [String: String]) {
            Mime.parseContentType(header("Content-Type") ?? "text/plain; charset=us-ascii")
        }

        /// The body with its transfer encoding undone.
        var decodedBody: [UInt8] {
            switch (header("Content-Transfer-Encoding") ?? "7bit").trimmingCharacters(in: .whitespaces).lowercased() {
            case "base64": return Mime.decodeBase64(body)
            case "quoted-printable": return Mime.decodeQuotedPrintable(body)
            default: return body
            }
        }
    }

    /// Header lines unfolded: a line starting with space or tab continues the previous field (RFC 5322 §2.2.3).
    public static func unfold(_ text: String) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty { continue }
            if line.first == " " || line.first == "\t" {
                if !fields.isEmpty { fields[fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces) }
                continue
            }
            // An mbox "From " separator line has no colon: skip it.
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append((name, value))
        }
        return fields
    }

    /// `text/plain; charset="UTF-8"; format=flowed` → ("text/plain", ["charset": "UTF-8", "format": "flowed"]).
    public static func parseContentType(_ value: String) -> (type: String, params: [String: String]) {
        let parts = splitOutsideQuotes(value, separator: ";")
        let type = (parts.first ?? "text/plain").trimmingCharacters(in: .whitespaces).lowercased()
        var params: [String: String] = [:]
        for p in parts.dropFirst() {
            guard let eq = p.firstIndex(of: "=") else { continue }
            let key = p[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var v = p[p.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            params[key] = v
        }
        return (type.isEmpty ? "text/plain" : type, params)
    }

    private static func splitOutsideQuotes(_ s: String, separator: Character) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        for ch in s {
            if ch == "\"" { quoted.toggle() }
            if ch == separator && !quoted { out.append(current); current = "" } else { current.append(ch) }
        }
        out.append(current)
        return out
    }

    /// The plain text of an entity: text/plain as is, text/html with tags stripped (only when nothing better
    /// exists), multiparts searched for text/plain first.
    static func plainText(of entity: Entity, depth: Int = 0) -> String {
        let (type, params) = entity.contentType
        if type.hasPrefix("multipart/"), let boundary = params["boundary"], !boundary.isEmpty, depth < 8 {
            let parts = splitMultipart(entity.body, boundary: boundary).map(Entity.init(bytes:))
            // multipart/alternative lists the same content, simplest first; text/plain wins wherever it is.
            for part in parts where part.contentType.type == "text/plain" && !isAttachment(part) {
                return decodeText(part)
            }
            for part in parts where part.contentType.type.hasPrefix("multipart/") {
                let text = plainText(of: part, depth: depth + 1)
                if !text.isEmpty { return text }
            }
            for part in parts where part.contentType.type == "text/html" && !isAttachment(part) {
                return stripHTML(decodeText(part))
            }
            return ""
        }
        if type == "text/html" { return stripHTML(decodeText(entity)) }
        if type.hasPrefix("text/") || type.isEmpty { return decodeText(entity) }
        return ""
    }

    private static func isAttachment(_ e: Entity) -> Bool {
        (e.header("Content-Disposition") ?? "").lowercased().hasPrefix("attachment")
    }

    static func decodeText(_ entity: Entity) -> String {
        decode(bytes: entity.decodedBody, charset: entity.contentType.params["charset"] ?? "us-ascii")
    }

    /// The parts between `--boundary` delimiter lines, up to `--boundary--`.
    static func splitMultipart(_ body: [UInt8], boundary: String) -> [[UInt8]] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [[UInt8]] = []
        var current: [UInt8]?
        var lineStart = 0
        var i = 0
        func handleLine(_ start: Int, _ end: Int) -> Bool {
            var line = Array(body[start..<end])
            if line.last == 0x0D { line.removeLast() }
            // Delimiter lines may carry trailing whitespace (transport padding).
            while let last = line.last, last == 0x20 || last == 0x09 { line.removeLast() }
            if line.starts(with: delimiter) {
                let rest = line.dropFirst(delimiter.count)
                if rest.isEmpty || rest.elementsEqual("--".utf8) {
                    if let c = current { parts.append(trimTrailingNewline(c)) }
                    if !rest.isEmpty { current = nil; return false }
                    current = []
                    return true
                }
            }
            current?.append(contentsOf: body[start..<min(end + 1, body.count)])
            return true
        }
        while i < body.count {
            if body[i] == 0x0A {
                if !handleLine(lineStart, i) { return parts }
                lineStart = i + 1
            }
            i += 1
        }
        if lineStart < body.count { _ = handleLine(lineStart, body.count) }
        if let c = current, !c.isEmpty { parts.append(trimTrailingNewline(c)) }
        return parts
    }

    private static func trimTrailingNewline(_ b: [UInt8]) -> [UInt8] {
        var b = b
        if b.last == 0x0A { b.removeLast() }
        if b.last == 0x0D { b.removeLast() }
        return b
    }

    // MARK: - Transfer encodings

    public static func decodeBase64(_ bytes: [UInt8]) -> [UInt8] {
        let clean = bytes.filter { !($0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09) }
        var s = String(decoding: clean, as: UTF8.self)
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map { [UInt8]($0) } ?? []
    }

    /// Quoted-printable (RFC 2045 §6.7): `=XX` hex octets, `=` at a line end is a soft break. With `underscore`
    /// (the Q encoding of RFC 2047) `_` means a space.
    public static func decodeQuotedPrintable(_ bytes: [UInt8], underscore: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "=") {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 2; continue }
                if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { i += 3; continue }
                if i + 2 < bytes.count, let h = Hex.digit(bytes[i + 1]), let l = Hex.digit(bytes[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                    continue
                }
                if i + 1 == bytes.count { i += 1; continue }  // soft break at the very end
                out.append(b)
                i += 1
                continue
            }
            out.append(underscore && b == UInt8(ascii: "_") ? 0x20 : b)
            i += 1
        }
        return out
    }

    /// Bytes in a named charset as text. UTF-8 and its subsets, ISO-8859-1 and Windows-1252 are decoded exactly;
    /// GB2312/GBK/GB18030 through Foundation where the platform offers it; anything else as UTF-8 with
    /// replacement characters, so a message is never refused for its charset.
    public static func decode(bytes: [UInt8], charset: String) -> String {
        let cs = charset.trimmingCharacters(in: .whitespaces).lowercased()
        switch cs {
        case "utf-8", "utf8", "us-ascii", "ascii", "":
            return String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "latin1", "iso8859-1":
            return String(bytes.map { Character(Unicode.Scalar($0)) })
        case "windows-1252", "cp1252":
            return String(data: Data(bytes), encoding: .windowsCP1252) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
        default:
            if let s = String(bytes: bytes, encoding: .utf8) { return s }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    // MARK: - Header decoding

    /// RFC 2047: `=?UTF-8?B?5pyN5Yqh?= =?UTF-8?Q?=E8=AF=B7=E6=B1=82?=` → 服务请求. Whitespace between two adjacent
    /// encoded words is dropped; other text is kept as is.
    public static func decodeEncodedWords(_ value: String) -> String {
        var out = ""
        var rest = Substring(value)
        var pendingSpace = ""
        var lastWasEncoded = false
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let (decoded, consumed) = encodedWord(rest) {
                if !lastWasEncoded { out += pendingSpace }
                pendingSpace = ""
                out += decoded
                rest = rest[consumed...]
                lastWasEncoded = true
                continue
            }
            let ch = rest.first!
            rest = rest.dropFirst()
            if ch == " " || ch == "\t" {
                pendingSpace.append(ch)
                continue
            }
            out += pendingSpace
            pendingSpace = ""
            out.append(ch)
            lastWasEncoded = false
        }
        return out + pendingSpace
    }

    /// One encoded word at the start of `s`: its text and the index after it.
    private static func encodedWord(_ s: Substring) -> (String, Substring.Index)? {
        // =?charset?enc?text?=
        let body = s.dropFirst(2)
        guard let q1 = body.firstIndex(of: "?") else { return nil }
        let charset = String(body[..<q1]).split(separator: "*").first.map(String.init) ?? ""  // RFC 2231 language suffix
        let afterCharset = body[body.index(after: q1)...]
        guard let q2 = afterCharset.firstIndex(of: "?") else { return nil }
        let enc = afterCharset[..<q2].uppercased()
        let textPart = afterCharset[afterCharset.index(after: q2)...]
        guard let end = textPart.range(of: "?=") else { return nil }
        let text = textPart[..<end.lowerBound]
        guard !text.contains(" ") else { return nil }
        let bytes: [UInt8]
        switch enc {
        case "B": bytes = decodeBase64(Array(text.utf8))
        case "Q": bytes = decodeQuotedPrintable(Array(text.utf8), underscore: true)
        default: return nil
        }
        return (decode(bytes: bytes, charset: charset), end.upperBound)
    }

    /// `"Zhang San" <zs@example.cn>`, `=?UTF-8?B?...?= <zs@example.cn>`, `zs@example.cn (Zhang San)`, `<zs@example.cn>`,
    /// `zs@example.cn`. The first mailbox of a list; nil when there is no address in it.
    public static func parseAddress(_ raw: String) -> MailAddress? {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if let lt = value.lastIndex(of: "<"), let gt = value[lt...].firstIndex(of: ">") {
            let address = value[value.index(after: lt)..<gt].trimmingCharacters(in: .whitespaces)
            guard address.contains("@") else { return nil }
            var name = value[..<lt].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            let decoded = decodeEncodedWords(name).trimmingCharacters(in: .whitespaces)
            return MailAddress(name: decoded.isEmpty ? nil : decoded, address: address.lowercased())
        }
        // addr-spec, optionally followed by a (comment) holding the name; a list takes its first entry.
        let first = value.split(separator: ",").first.map(String.init) ?? value
        var address = first
        var name: String?
        if let open = first.firstIndex(of: "("), let close = first.lastIndex(of: ")"), open < close {
            name = decodeEncodedWords(String(first[first.index(after: open)..<close])).trimmingCharacters(in: .whitespaces)
            address = String(first[..<open])
        }
        address = address.trimmingCharacters(in: .whitespaces)
        guard address.contains("@"), !address.contains(" ") else { return nil }
        return MailAddress(name: name?.isEmpty == true ? nil : name, address: address.lowercased())
    }

    /// RFC 5322 date-time: `Tue, 10 Mar 2026 10:00:00 +0800` (day name and seconds optional, obsolete zone names
    /// GMT/UT/Z accepted).
    public static func parseDate(_ raw: String) -> Date? {
        var s = raw
        if let paren = s.firstIndex(of: "(") { s = String(s[..<paren]) }
        var tokens = s.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        if let first = tokens.first, first.count == 3, Int(first) == nil { tokens.removeFirst() }
        guard tokens.count >= 4, let day = Int(tokens[0]), let year = Int(tokens[2]) else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let mi = months.firstIndex(of: tokens[1].lowercased().prefix(3).description) else { return nil }
        let hms = tokens[3].split(separator: ":").compactMap { Int($0) }
        guard hms.count >= 2 else { return nil }
        var offset = 0
        if tokens.count >= 5 {
            let z = tokens[4]
            if (z.hasPrefix("+") || z.hasPrefix("-")), z.count == 5, let v = Int(z.dropFirst()) {
                offset = (v / 100 * 60 + v % 100) * 60 * (z.hasPrefix("-") ? -1 : 1)
            } else if !["gmt", "ut", "utc", "z"].contains(z.lowercased()) {
                return nil
            }
        }
        guard let date = LocalDate(year: year < 100 ? 2000 + year : year, month: mi + 1, day: day) else { return nil }
        let seconds = date.daysSinceEpoch * 86_400 + hms[0] * 3600 + hms[1] * 60 + (hms.count > 2 ? hms[2] : 0) - offset
        return Date(timeIntervalSince1970: Double(seconds))
    }

    static func stripHTML(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "<br>", with: "\n", options: .caseInsensitive)
            .replacingOccurrences(of: "<br/>", with: "\n", options: .caseInsensitive)
            .replacingOccurrences(of: "</p>", with: "\n", options: .caseInsensitive)
        text = text.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        for (entity, ch) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: ch)
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func normalizeNewlines(_ s: String) -> String {
        s.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A service request number (`SR-2026-000123`) in a subject line, e.g. "Re: [SR-2026-000123] 设备故障".
    public static func serviceRequestNumber(in subject: String) -> String? {
        guard let r = subject.range(of: #"SR-[0-9]{4}-[0-9]{6,}"#, options: .regularExpression) else { return nil }
        return String(subject[r])
    }
}

/// Lowercase hex SHA-256 of a secret (tokenized links store only this).
public enum SecretHash {
    public static func sha256Hex(_ secret: String) -> String {
        AuditHash.hash(previous: "lvyue-secret", payload: secret)
    }
}
