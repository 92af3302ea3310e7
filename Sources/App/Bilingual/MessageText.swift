import Foundation
import LvyueCore

/// Text the system writes about itself is stored twice: as a locale key with parameters (`message_key`,
/// `message_params`), so each reader sees it in their language, and rendered in the instance's default language in the
/// existing text column, for API clients and exports. Rows written before keys existed have no key: their stored
/// text is shown as it is.
///
/// A message has parts: one key names the alert `alert.milestone_late`, whose strings are `alert.milestone_late.title`
/// and `alert.milestone_late.reason`; a notification's are `.title` and `.body`; a history note has no part.
enum MessageText {
    /// The language stored text columns are written in.
    static var storedLang: Lang { Lang.default }

    /// The message rendered for the stored text column.
    static func stored(_ m: Message, _ part: String? = nil) -> String {
        Localization.shared.strings(storedLang).render(m, part)
    }

    /// `message_params` as written to the database: a JSON object with sorted keys.
    static func encodeParams(_ params: [String: String]) -> String {
        String(decoding: (try? JSONBytes.encode(params)) ?? Array("{}".utf8), as: UTF8.self)
    }

    static func decodeParams(_ json: String?) -> [String: String] {
        json.map(decodedParams.value) ?? [:]
    }

    /// Parameters are few distinct texts (a channel, a clock, a status), and every event shown decodes its own.
    private static let decodedParams = DecodedTexts<[String: String]>(fallback: [:], limit: 512)

    /// The message of a row: nil when the row has no key (written before keys existed).
    static func message(key: String?, params: String?) -> Message? {
        guard let key, !key.isEmpty else { return nil }
        return Message(key, decodeParams(params))
    }
}

extension Strings {
    /// A message in this language. Placeholders: `{name}` the parameter as it is, `{name:date}` an ISO day,
    /// `{name:time}` an ISO instant, `{name:number}` a decimal, `{name:money}` minor units in `{currency}` (CNY when
    /// absent), `{name:t:prefix}` the locale string `prefix.<value>` (an enum's label), `{name:msg}` the locale string named by the
    /// value, filled from the same parameters (a trigger's reason inside an alert's). A missing parameter shows empty.
    func render(_ m: Message, _ part: String? = nil) -> String {
        let key = part.map { "\(m.key).\($0)" } ?? m.key
        return fill(self[key], m.params)
    }

    /// What a viewer reads for a row that may carry a message: the message in this language when the row has one
    /// whose string exists, else the stored text.
    func text(_ m: Message?, _ part: String? = nil, stored: String) -> String {
        guard let m else { return stored }
        let key = part.map { "\(m.key).\($0)" } ?? m.key
        guard table[key] != nil || fallback[key] != nil else { return stored }
        return render(m, part)
    }

    private func fill(_ template: String, _ params: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { out += rest[open...]; return out }
            let spec = rest[rest.index(after: open)..<close].split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            out += value(spec, params)
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    private func value(_ spec: [String], _ params: [String: String]) -> String {
        guard let name = spec.first, let raw = params[name] else { return "" }
        switch spec.count > 1 ? spec[1] : "" {
        case "date": return fmt.day(raw)
        case "time": return fmt.time(iso: raw)
        case "number": return Double(raw).map { fmt.number($0) } ?? raw
        case "money": return Int64(raw).map { fmt.money($0, params["currency"] ?? "CNY") } ?? raw
        case "msg": return fill(self[raw], params)
        case "t": return spec.count > 2 ? (table["\(spec[2]).\(raw)"] ?? fallback["\(spec[2]).\(raw)"] ?? raw) : raw
        default: return raw
        }
    }
}

extension Strings {
    func alertTitle(_ a: Alert) -> String { text(a.message, "title", stored: a.title) }
    func alertReason(_ a: Alert) -> String { text(a.message, "reason", stored: a.reason) }
    /// The description of an escalation raised from an alert, in the language of whoever raised it.
    func alertDescription(_ a: Alert) -> String { "\(alertTitle(a))（\(alertReason(a))）" }
}

/// The two response fields that carry a message next to its stored text, as the OpenAPI document describes them.
enum MessageSchema {
    static var properties: [String: [String: Any]] { [
        "message_key": ["type": ["string", "null"],
                        "description": "Locale key of the system-written text next to it (absent on records written before keys existed)"],
        "message_params": ["type": ["object", "null"], "additionalProperties": ["type": "string"],
                           "description": "Parameters of message_key; the locale string places them"],
    ] }

    static func adding(_ properties: [String: [String: Any]]) -> [String: [String: Any]] {
        properties.merging(Self.properties) { a, _ in a }
    }
}

extension Strings {
    /// As `text(_:_:stored:)`, from the key and parameters of an API response.
    func text(key: String?, params: [String: String]?, _ part: String? = nil, stored: String) -> String {
        text(key.map { Message($0, params ?? [:]) }, part, stored: stored)
    }
}
