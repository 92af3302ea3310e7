import Foundation
import Vapor

/// The generic form page (`form.leaf`): every create/edit form of the web UI is a list of `FieldView`s.
struct FormPage: Encodable, Sendable {
    var heading: String
    var context: String?
    var action: String
    var submitLabel: String
    var cancelURL: String
    var banner: String?
    var version: Int?
    var fields: [FieldView]
}

/// The values a form shows — from the record, from defaults, or as the user typed them — and its errors.
struct FormState: Sendable {
    var values: [String: String]
    var lists: [String: [String]] = [:]
    var errors: [String: String] = [:]
    var banner: String?
    let t: Strings

    init(_ t: Strings, values: [String: String] = [:], lists: [String: [String]] = [:]) {
        self.t = t
        self.values = values
        self.lists = lists
    }

    /// Re-displays exactly what was submitted.
    init(_ t: Strings, submitted body: FormBody) {
        self.t = t
        self.values = body.echo.compactMapValues(\.first)
        self.lists = body.echo.mapValues { $0.filter { !$0.isEmpty } }
    }

    func field(_ name: String, _ labelKey: String, kind: String = "text", required: Bool = false, wide: Bool = false,
               hint: String? = nil, inputMode: String? = nil, step: String? = nil, max: Int? = nil) -> FieldView {
        FieldView(name: name, label: t[labelKey], kind: kind, value: values[name] ?? "", required: required, error: errors[name],
                  hint: hint.map { t[$0] }, inputMode: inputMode, step: step, wide: wide || kind == "textarea", max: max)
    }

    func select(_ name: String, _ labelKey: String, _ options: [(value: String, label: String)], blank: Bool = true,
                required: Bool = false) -> FieldView {
        let current = values[name] ?? ""
        var opts = blank ? [OptionView(value: "", label: t["select_placeholder"], selected: current.isEmpty)] : []
        opts += options.map { OptionView(value: $0.value, label: $0.label, selected: $0.value.lowercased() == current.lowercased()) }
        var f = field(name, labelKey, kind: "select", required: required)
        f.options = opts
        return f
    }

    func enumSelect<E: RawRepresentable & CaseIterable>(_ name: String, _ labelKey: String, prefix: String, _ type: E.Type,
                                                        blank: Bool = false, required: Bool = false) -> FieldView where E.RawValue == String {
        select(name, labelKey, E.allCases.map { ($0.rawValue, t["\(prefix).\($0.rawValue)"]) }, blank: blank, required: required)
    }

    func checkboxes(_ name: String, _ labelKey: String, _ options: [(value: String, label: String)]) -> FieldView {
        let chosen = Set((lists[name] ?? []).map { $0.lowercased() })
        var f = field(name, labelKey, kind: "checkboxes", wide: true)
        f.options = options.map { OptionView(value: $0.value, label: $0.label, selected: chosen.contains($0.value.lowercased())) }
        return f
    }
}

extension UUID {
    /// Ids in forms and links are lower-case, as they appear in URLs.
    var formValue: String { uuidString.lowercased() }
}

enum FormFlow {
    /// Runs a write from a form. Field errors (422), duplicates (409) and stale versions (412) come back as the same
    /// form with each message next to its field; anything else propagates to the error page.
    static func submit(_ req: Request, known: Set<String>, staleKey: String = "err_stale",
                       write: () async throws -> Response,
                       rerender: (_ errors: [String: String], _ banner: String?, _ status: HTTPResponseStatus) async throws -> Response)
        async throws -> Response {
        do {
            return try await write()
        } catch let error as AppError {
            switch error {
            case .invalid, .duplicate, .unprocessable, .staleVersion:
                let split = FieldMessages.split(error, fields: known, req.strings, staleKey: staleKey)
                return try await rerender(split.fields, split.banner, error.httpStatus)
            case .conflict(_, let message):
                return try await rerender([:], message, error.httpStatus)
            default:
                throw error
            }
        }
    }
}
