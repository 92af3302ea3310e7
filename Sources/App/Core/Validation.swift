import Foundation
import LvyueCore

/// Collects every field problem of one request, so a 422 names all of them at once.
struct FieldCheck {
    private(set) var errors: [String: String] = [:]

    mutating func fail(_ field: String, _ reason: String) {
        if errors[field] == nil { errors[field] = reason }
    }

    func throwIfAny() throws {
        if !errors.isEmpty { throw AppError.invalid(fields: errors) }
    }

    /// Trimmed non-empty text no longer than `max` characters; nil (and an error) otherwise.
    mutating func text(_ value: String?, _ field: String, max: Int = 200, required: Bool = true) -> String? {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            if required { fail(field, "is required") }
            return nil
        }
        if trimmed.count > max { fail(field, "must be at most \(max) characters"); return nil }
        if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" }) {
            fail(field, "must not contain control characters"); return nil
        }
        return trimmed
    }

    mutating func day(_ value: String?, _ field: String, required: Bool = false) -> LocalDate? {
        guard let value, !value.isEmpty else {
            if required { fail(field, "is required") }
            return nil
        }
        guard let d = LocalDate(iso: value) else { fail(field, "must be a date YYYY-MM-DD"); return nil }
        return d
    }

    mutating func money(_ value: String?, _ field: String, required: Bool = true) -> Money? {
        guard let value, !value.isEmpty else {
            if required { fail(field, "is required") }
            return nil
        }
        do { return try Money(parsing: value) } catch let error as Money.ParseError {
            fail(field, error.reason)
            return nil
        } catch { fail(field, "is not an amount"); return nil }
    }

    mutating func currency(_ value: String?, _ field: String) -> String? {
        guard let value else { return nil }
        guard value.count == 3, value.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            fail(field, "must be a three-letter ISO 4217 code such as CNY"); return nil
        }
        return value
    }

    mutating func oneOf<E: RawRepresentable & CaseIterable>(_ value: String?, _ field: String, _ type: E.Type, required: Bool = true) -> E?
    where E.RawValue == String {
        guard let value else {
            if required { fail(field, "is required") }
            return nil
        }
        guard let e = E(rawValue: value) else {
            fail(field, "must be one of: " + E.allCases.map(\.rawValue).joined(separator: ", ")); return nil
        }
        return e
    }

    mutating func range<T: Comparable>(_ value: T?, _ field: String, _ range: ClosedRange<T>, required: Bool = true) -> T? {
        guard let value else {
            if required { fail(field, "is required") }
            return nil
        }
        guard range.contains(value) else { fail(field, "must be between \(range.lowerBound) and \(range.upperBound)"); return nil }
        return value
    }

    mutating func order(_ first: LocalDate?, _ second: LocalDate?, later field: String, than other: String) {
        if let first, let second, second < first { fail(field, "must not be before \(other)") }
    }
}

/// A PATCH field: absent (leave as is), null (clear) or a value.
enum Patch<T: Sendable>: Sendable {
    case absent
    case null
    case value(T)

    var isAbsent: Bool { if case .absent = self { true } else { false } }
    var value: T? { if case .value(let v) = self { v } else { nil } }
}

extension Patch: Decodable where T: Decodable {
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        self = c.decodeNil() ? .null : .value(try c.decode(T.self))
    }
}

extension KeyedDecodingContainer {
    func patch<T: Decodable & Sendable>(_ type: T.Type, _ key: Key) throws -> Patch<T> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(T.self, forKey: key))
    }

    /// Synthesized `Decodable` conformances call this for `Patch` properties: a missing key is `.absent`
    /// (the default `decode` would throw), an explicit null is `.null`. So request types need no hand-written init.
    func decode<T: Decodable & Sendable>(_ type: Patch<T>.Type, forKey key: Key) throws -> Patch<T> {
        try patch(T.self, key)
    }
}
