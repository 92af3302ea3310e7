import Foundation
import Vapor

/// The languages of the web UI. zh-CN is the default: the users are mostly in China.
enum Lang: String, CaseIterable, Sendable {
    case zhCN = "zh-CN"
    case en

    static let `default` = Lang.zhCN
    static let cookieName = "lvyue_lang"

    /// Accepts `zh-CN`, `zh`, `zh-Hans`, `en`, `en-US` … (case-insensitive); nil for anything else.
    init?(tag: String) {
        let lower = tag.trimmingCharacters(in: .whitespaces).lowercased()
        if lower == "en" || lower.hasPrefix("en-") { self = .en } else if lower == "zh" || lower.hasPrefix("zh-") { self = .zhCN } else { return nil }
    }

    var other: Lang { self == .zhCN ? .en : .zhCN }

    /// The language of a request: `?lang=` wins, then the `lvyue_lang` cookie, then the first supported
    /// language of `Accept-Language` (by q-value), then zh-CN.
    static func of(_ req: Request) -> Lang {
        if let q = req.query[String.self, at: "lang"], let lang = Lang(tag: q) { return lang }
        if let c = req.cookies[cookieName]?.string, let lang = Lang(tag: c) { return lang }
        if let header = req.headers.first(name: .acceptLanguage), let lang = fromAcceptLanguage(header) { return lang }
        return .default
    }

    static func fromAcceptLanguage(_ header: String) -> Lang? {
        let ranked: [(tag: String, q: Double)] = header.split(separator: ",").map { part in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (pieces.first ?? "", q)
        }
        return ranked.enumerated()
            .sorted { $0.element.q != $1.element.q ? $0.element.q > $1.element.q : $0.offset < $1.offset }
            .lazy.compactMap { $0.element.q > 0 ? Lang(tag: $0.element.tag) : nil }.first
    }
}

/// The UI strings: flat JSON objects per language in `Resources/Locales/<lang>.json` and `<lang>/*.json`, read once.
struct Localization: Sendable {
    let tables: [Lang: [String: String]]

    /// Loaded at first use (forced at boot by `WebRoutes.register`), then shared by every request.
    static let shared: Localization = {
        do { return try load(from: Resources.locales) } catch { fatalError("cannot load locale files: \(error)") }
    }()

    /// Reads `<lang>.json` and then every `<lang>/*.json` (one file per capability, in name order). A key defined
    /// twice for one language is an error, so two capabilities cannot silently overwrite each other's strings.
    static func load(from directory: String) throws -> Localization {
        var tables: [Lang: [String: String]] = [:]
        let base = URL(fileURLWithPath: directory)
        for lang in Lang.allCases {
            var files = [base.appendingPathComponent("\(lang.rawValue).json")]
            let folder = base.appendingPathComponent(lang.rawValue)
            if let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
                files += names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
            }
            var table: [String: String] = [:]
            for file in files {
                let part = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: file))
                try table.merge(part) { _, _ in throw LocaleFileError.duplicateKey(file.lastPathComponent) }
            }
            tables[lang] = table
        }
        return Localization(tables: tables)
    }

    enum LocaleFileError: Error, CustomStringConvertible {
        case duplicateKey(String)
        var description: String {
            switch self { case .duplicateKey(let file): "\(file) defines a key that another locale file already defines" }
        }
    }

    /// Every key of every language file — a test asserts the sets are equal, so no string is missing in one language.
    static func allKeys(from directory: String = Resources.locales) throws -> [Lang: Set<String>] {
        try load(from: directory).tables.mapValues { Set($0.keys) }
    }

    func strings(_ lang: Lang) -> Strings {
        Strings(lang: lang, table: tables[lang] ?? [:], fallback: tables[.default] ?? [:])
    }
}

/// One language's strings, as templates see them (`t`) and as Swift code asks for them.
struct Strings: Sendable {
    let lang: Lang
    let table: [String: String]
    let fallback: [String: String]

    subscript(_ key: String) -> String { table[key] ?? fallback[key] ?? key }

    /// `"延迟 {n} 天"` with `["n": "3"]` → `"延迟 3 天"`.
    func format(_ key: String, _ values: [String: String]) -> String {
        values.reduce(self[key]) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    /// The label of an enum value, e.g. `label("contract_status", ContractStatus.inService)` → `contract_status.in_service`.
    func label<E: RawRepresentable>(_ prefix: String, _ value: E) -> String where E.RawValue == String {
        self["\(prefix).\(value.rawValue)"]
    }

    /// Select options for every case of an enum, labelled from the locale.
    func options<E: RawRepresentable & CaseIterable>(_ prefix: String, _ type: E.Type, selected: String?, blank: String? = nil) -> [OptionView]
    where E.RawValue == String {
        var out: [OptionView] = blank.map { [OptionView(value: "", label: $0, selected: (selected ?? "").isEmpty)] } ?? []
        out += E.allCases.map { OptionView(value: $0.rawValue, label: self["\(prefix).\($0.rawValue)"], selected: $0.rawValue == selected) }
        return out
    }
}

extension Request {
    var lang: Lang { Lang.of(self) }
    var strings: Strings { Localization.shared.strings(lang) }
}

/// Sets the `lvyue_lang` cookie when a page is asked for with `?lang=`, so the choice sticks.
struct LanguageCookieMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let q = request.query[String.self, at: "lang"], let lang = Lang(tag: q) {
            response.cookies[Lang.cookieName] = HTTPCookies.Value(string: lang.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                                                                  isSecure: WebCookies.secure(request), isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}
