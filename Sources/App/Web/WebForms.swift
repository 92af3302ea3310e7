import Foundation
import Vapor

/// A form-encoded request body (`application/x-www-form-urlencoded`), repeated names kept (checkbox groups).
struct FormBody: Sendable {
    private(set) var values: [String: [String]] = [:]

    init(_ req: Request) {
        self.init(encoded: req.body.data.map { String(decoding: $0.readableBytesView, as: UTF8.self) } ?? "")
    }

    init(encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    private static func decode(_ s: Substring) -> String {
        String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
    }

    func string(_ name: String) -> String? { values[name]?.first }
    func all(_ name: String) -> [String] { (values[name] ?? []).filter { !$0.isEmpty } }

    /// The submitted values as a form re-renders them (first value; lists joined for checkbox groups).
    var echo: [String: [String]] { values }

    /// How a form field maps onto the API's JSON: the form only carries strings.
    enum Kind: Sendable { case string, int, double, uuid, uuidList }

    /// Builds the JSON object the API would receive — an empty field is null, a number that does not parse stays a
    /// string so the API's decoder names the field — and decodes it with the API's decoder, so the web runs the
    /// API's validation, not a copy of it.
    func decode<T: Decodable>(_ type: T.Type, _ spec: [(String, Kind)]) throws -> T {
        var object: [String: Any] = [:]
        for (name, kind) in spec {
            if kind == .uuidList { object[name] = all(name); continue }
            guard let raw = string(name) else { continue }
            let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if value.isEmpty { object[name] = NSNull(); continue }
            switch kind {
            case .string: object[name] = raw
            case .uuid: object[name] = value
            case .int: object[name] = Int(value).map { $0 as Any } ?? value
            case .double: object[name] = Double(value).map { $0 as Any } ?? value
            case .uuidList: break
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            return try JSONCoding.decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw AppError.invalid(fields: DecodingErrorFields.fields(for: error))
        }
    }

    /// The hidden `version` field of an edit form: the version the user saw, checked like `If-Match`.
    var expectedVersion: Int? { string("version").flatMap { Int($0) } }
}

/// Turns the API's English field reasons into the user's language; unknown reasons are shown as they are.
enum FieldMessages {
    static func localize(_ reason: String, _ t: Strings) -> String {
        func match(_ pattern: String) -> [String]? {
            guard let re = try? NSRegularExpression(pattern: "^" + pattern + "$"),
                  let m = re.firstMatch(in: reason, range: NSRange(reason.startIndex..., in: reason)) else { return nil }
            return (1..<m.numberOfRanges).compactMap { Range(m.range(at: $0), in: reason).map { String(reason[$0]) } }
        }
        if reason == "is required" || reason == "must not be null" { return t["err_required"] }
        if let g = match("must be at most (\\d+) characters") { return t.format("err_max_length", ["n": g[0]]) }
        if reason.hasPrefix("must be a date") { return t["err_date"] }
        if reason.hasPrefix("must be one of") { return t["err_one_of"] }
        if let g = match("must be between (-?[\\d.]+) and (-?[\\d.]+)") { return t.format("err_range", ["min": g[0], "max": g[1]]) }
        if let g = match("must not be before ([a-z_]+)") { return t.format("err_not_before", ["other": t["field_" + g[0]]]) }
        if reason == "no such record" { return t["err_no_such_record"] }
        if reason.hasPrefix("contract number") && reason.hasSuffix("already exists") { return t["err_duplicate_number"] }
        if reason == "a customer with this name exists" { return t["err_duplicate_customer"] }
        if reason.hasPrefix("must be a decimal amount") { return t["err_amount"] }
        if reason == "must have at most two decimal places" { return t["err_amount_decimals"] }
        if reason == "is too large" { return t["err_too_large"] }
        if reason == "must not be negative" { return t["err_negative"] }
        if reason.hasPrefix("must be 7 (weekly)") { return t["err_cadence"] }
        if reason == "must be 100 when actual_on is set" { return t["err_progress_actual"] }
        if reason == "must be greater than 0 and at most 100" { return t["err_weight"] }
        if reason.hasPrefix("cannot change from") { return t["err_status_transition"] }
        if reason == "must not contain control characters" { return t["err_control_chars"] }
        if reason == "must be one line" { return t["err_one_line"] }
        if reason == "is not an email address" { return t["err_email"] }
        if reason == "is required when an amount was received" { return t["err_received_on_required"] }
        if reason.hasPrefix("names a department") || reason.hasPrefix("at most 20") { return t["err_collaborators"] }
        if reason.hasPrefix("no such clause") || reason.hasPrefix("no such milestone") { return t["err_no_such_record"] }
        if reason == "must be an integer" { return t["err_integer"] }
        if reason == "must be a number" { return t["err_number"] }
        if reason.hasPrefix("must be") || reason.contains("UUID") { return t["err_invalid_value"] }
        return reason
    }

    /// Splits an error into per-field messages (for fields the form shows) and a banner for the rest.
    static func split(_ error: AppError, fields known: Set<String>, _ t: Strings, staleKey: String = "err_stale")
        -> (fields: [String: String], banner: String?) {
        var out: [String: String] = [:]
        var other: [String] = []
        for (name, reason) in error.fields {
            if known.contains(name) { out[name] = localize(reason, t) } else { other.append(localize(reason, t)) }
        }
        if case .staleVersion = error { return (out, t[staleKey]) }
        if out.isEmpty && other.isEmpty { return (out, error.message) }
        return (out, other.isEmpty ? t["form_error_banner"] : t["form_error_banner"] + " " + other.sorted().joined(separator: "；"))
    }
}
