import Foundation
import LvyueCore
import NIOConcurrencyHelpers
import Vapor

/// JSON as the API speaks it: snake_case keys, ISO-8601 instants with an explicit offset.
/// Instants are shown in the company's zone (`LVYUE_TIMEZONE`, default Asia/Shanghai) because that is the
/// offset people read; any offset is accepted on input, a time without one is refused.
enum JSONCoding {
    static let displayTimeZone: TimeZone =
        Environment.get("LVYUE_TIMEZONE").flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "Asia/Shanghai")!

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(formatInstant(date))
        }
        return e
    }()

    /// A decoder with Foundation's defaults, for stored texts written with them. Shared: a `JSONDecoder` is safe to use from
    /// several threads, and making one costs more than a small decode.
    static let plainDecoder = JSONDecoder()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = parseInstant(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an ISO-8601 time with offset, e.g. 2026-03-02T09:30:00+08:00")
            }
            return date
        }
        return d
    }()

    static func formatInstant(_ date: Date, in zone: TimeZone = displayTimeZone) -> String {
        // Before standard time zones (Shanghai before 1901: local mean time, +08:05:43) the offset has seconds,
        // which RFC 3339 cannot express; such instants are written in UTC (found by API fuzzing, issue #5).
        let zoneOffset = zone.secondsFromGMT(for: date)
        let standard = zoneOffset % 60 == 0
        let offset = standard ? zoneOffset : 0
        // Every answer carries several instants: written with integer arithmetic, as Foundation's ISO-8601 style writes
        // them (`JSONBytesTests.instantsAsFoundationWritesThem`), where the two count days alike.
        guard let (day, time) = LocalDate.gregorian(date, offset: offset) else {
            return isoStyle(standard ? zone : TimeZone(identifier: "UTC")!).format(date)
        }
        // `YYYY-MM-DDTHH:MM:SS+HH:MM` (or `…Z`) written into the string's own storage; a year of other than four
        // digits as `LocalDate` writes it.
        let year = day.year
        let written = (0...9999).contains(year) ? nil : Array(day.description.utf8)
        return String(unsafeUninitializedCapacity: (written?.count ?? 10) + 15) { out in
            var at = 0
            func digits(_ n: Int, _ count: Int) {
                var n = n
                for i in stride(from: count - 1, through: 0, by: -1) {
                    out[at + i] = UInt8(ascii: "0") + UInt8(n % 10)
                    n /= 10
                }
                at += count
            }
            func char(_ c: Unicode.Scalar) {
                out[at] = UInt8(ascii: c)
                at += 1
            }
            if let written {
                for byte in written { out[at] = byte; at += 1 }
            } else {
                digits(year, 4); char("-"); digits(day.month, 2); char("-"); digits(day.day, 2)
            }
            char("T"); digits(time / 3600, 2); char(":"); digits(time / 60 % 60, 2); char(":"); digits(time % 60, 2)
            if offset == 0 {
                char("Z")
            } else {
                char(offset < 0 ? "-" : "+"); digits(abs(offset) / 3600, 2); char(":"); digits(abs(offset) / 60 % 60, 2)
            }
            return at
        }
    }

    static func isoStyle(_ zone: TimeZone) -> Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(timeSeparator: .colon, timeZoneSeparator: .colon, includingFractionalSeconds: false, timeZone: zone)
    }

    /// Accepts `2026-03-02T09:30:00+08:00`, `…Z`, with or without fractional seconds. Requires an offset.
    static func parseInstant(_ s: String) -> Date? {
        let trimmed = s.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 20, trimmed.contains("T") else { return nil }
        let tail = trimmed.suffix(6)
        guard trimmed.hasSuffix("Z") || tail.first == "+" || tail.first == "-" else { return nil }
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: false).parse(trimmed) { return d }
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(trimmed) { return d }
        return nil
    }
}

/// JSON texts stored in a column and decoded on hot paths (every new request copies its type's work instruction and
/// its plan's clock policy): each distinct text is decoded once and kept by the text itself, so a changed text is
/// decoded afresh and never confused with the old one. Bounded: past `limit` texts the cache starts again. A text that
/// does not decode gives `fallback`, as the callers did before.
final class DecodedTexts<Value: Decodable & Sendable>: Sendable {
    private let cache = NIOLockedValueBox([String: Value]())
    private let fallback: Value
    private let limit: Int

    init(fallback: Value, limit: Int = 64) {
        self.fallback = fallback
        self.limit = limit
    }

    func value(_ json: String) -> Value {
        if let hit = cache.withLockedValue({ $0[json] }) { return hit }
        let decoded = (try? JSONCoding.plainDecoder.decode(Value.self, from: Data(json.utf8))) ?? fallback
        cache.withLockedValue { texts in
            if texts.count >= limit { texts.removeAll() }
            texts[json] = decoded
        }
        return decoded
    }
}

extension Request {
    /// Decodes the JSON body with the API's coding rules. Malformed JSON → 400; a field of the wrong type,
    /// missing or unparsable → 422 naming the field. The raw body is read once, within the route's size limit.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw AppError.badRequest("a JSON object body is required")
        }
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONCoding.decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            // Only a body that failed is parsed a second time, to tell malformed JSON (400) from a bad field (422).
            guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
                throw AppError.badRequest("the body is not a JSON object")
            }
            throw AppError.invalid(fields: DecodingErrorFields.fields(for: error))
        }
    }
}

enum DecodingErrorFields {
    static func fields(for error: DecodingError) -> [String: String] {
        func name(_ path: [any CodingKey], _ extra: (any CodingKey)? = nil) -> String {
            let keys = path + (extra.map { [$0] } ?? [])
            let joined = keys.map { key in key.intValue.map { "\($0)" } ?? snake(key.stringValue) }.joined(separator: ".")
            return joined.isEmpty ? "body" : joined
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            return [name(ctx.codingPath, key): "is required"]
        case .valueNotFound(_, let ctx):
            return [name(ctx.codingPath): "must not be null"]
        case .typeMismatch(let type, let ctx):
            return [name(ctx.codingPath): "must be \(describe(type))"]
        case .dataCorrupted(let ctx):
            return [name(ctx.codingPath): ctx.debugDescription]
        @unknown default:
            return ["body": "could not be decoded"]
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is Date.Type: "an ISO-8601 time with offset"
        default: "of another type"
        }
    }

    private static func snake(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }
}
