import Fluent
import FluentSQL
import Foundation
import Vapor

/// The one list mechanism of the web UI (issue #8): every staff list reads the same GET parameters — `q` (search),
/// `sort` (a whitelisted column key, `-` for descending), one parameter per filter select, `page` — runs search,
/// filters, sort and paging in SQL, and hands the page the rows plus a `ListView` that the `lists/*` partials render
/// (search form, sortable headers with `aria-sort`, pager with a count, empty states that say what to do next).
/// A value the list does not know (a sort key, a filter option, a page number) is ignored and said so, never a 500.

/// How one column sorts: a field of the model, or an SQL expression (e.g. "missing deadlines last").
enum ListSortKey: Sendable {
    case field(FieldKey)
    /// Raw ORDER BY terms, written by the page (never from the request); `{dir}` becomes ASC or DESC.
    case sql([String])
}

/// One column header. `key` set → the header is a link that sorts by it.
struct ListColumn: Sendable {
    var label: String
    var key: String?
    var sort: ListSortKey?
    /// Right-aligned numbers.
    var numeric = false
    /// The label is for screen readers only (e.g. the actions column).
    var hiddenLabel = false

    static func sortable(_ label: String, _ key: String, _ sort: ListSortKey, numeric: Bool = false) -> ListColumn {
        ListColumn(label: label, key: key, sort: sort, numeric: numeric)
    }
    static func plain(_ label: String, numeric: Bool = false) -> ListColumn { ListColumn(label: label, numeric: numeric) }
    static func actions(_ label: String) -> ListColumn { ListColumn(label: label, hiddenLabel: true) }
}

/// One filter select. The option with value "" means "any"; `defaultValue` applies when the parameter is absent
/// (so `/alerts` shows the unresolved ones while `/alerts?status=` shows all).
struct ListFilterSpec: Sendable {
    var name: String
    var label: String
    var options: [(value: String, label: String)]
    var defaultValue = ""
}

/// What a list page declares once.
struct ListSpec: Sendable {
    var path: String
    var columns: [ListColumn]
    /// e.g. "-fired_at"; must be one of the columns' keys.
    var defaultSort: String
    var filters: [ListFilterSpec] = []
    var searchPlaceholder: String?
    var pageSize = 50
    /// Empty state when the list has no rows at all: what to do next, with a link when the user can do it.
    var emptyText: String
    var emptyActionLabel: String?
    var emptyActionURL: String?
    /// Parameters the page keeps on every link (e.g. a view switch that is not a filter select).
    var fixed: [(String, String)] = []
    /// Export buttons that submit the list's own search and filters to an export URL (behaviour owned by the exports).
    var exports: [ListView.Export] = []

    /// Deep pages are cut off: offset paging stays cheap and a search narrows better than page 300.
    static let maxPage = 200
    static let maxQueryLength = 100
}

/// The request's list parameters after whitelisting.
struct ListState: Sendable {
    var q: String?
    var sortKey: String
    var descending: Bool
    var values: [String: String]
    var page: Int
    var notices: [String]

    /// The filter's value, nil for "any".
    func value(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

    init(_ req: Request, _ spec: ListSpec) {
        let t = req.strings
        var notices: [String] = []
        let rawQ = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if rawQ.count > ListSpec.maxQueryLength {
            q = String(rawQ.prefix(ListSpec.maxQueryLength))
            notices.append(t.format("list_notice_q_long", ["n": "\(ListSpec.maxQueryLength)"]))
        } else {
            q = rawQ.isEmpty ? nil : rawQ
        }
        let keys = Set(spec.columns.compactMap(\.key))
        func parse(_ s: String) -> (String, Bool) { s.hasPrefix("-") ? (String(s.dropFirst()), true) : (s, false) }
        var (key, desc) = parse(spec.defaultSort)
        if let raw = req.query[String.self, at: "sort"], !raw.isEmpty {
            let (k, d) = parse(raw)
            if keys.contains(k) { (key, desc) = (k, d) } else { notices.append(t["list_notice_sort"]) }
        }
        sortKey = key
        descending = desc
        var values: [String: String] = [:]
        for f in spec.filters {
            guard let raw = req.query[String.self, at: f.name] else { values[f.name] = f.defaultValue; continue }
            if f.options.contains(where: { $0.value == raw }) { values[f.name] = raw } else {
                values[f.name] = f.defaultValue
                notices.append(t.format("list_notice_filter", ["name": f.label]))
            }
        }
        self.values = values
        var page = 1
        if let raw = req.query[String.self, at: "page"], !raw.isEmpty {
            if let n = Int(raw), (1...ListSpec.maxPage).contains(n) { page = n } else { notices.append(t["list_notice_page"]) }
        }
        self.page = page
        self.notices = notices
    }

    /// Whether anything narrows the list beyond what the page shows by default.
    func isFiltered(_ spec: ListSpec) -> Bool {
        q != nil || spec.filters.contains { values[$0.name] != $0.defaultValue }
    }
}

/// What the `lists/*` partials render (`page.list`).
struct ListView: Encodable, Sendable {
    struct Filter: Encodable, Sendable {
        var name: String
        var id: String
        var label: String
        var options: [OptionView]
    }
    struct Header: Encodable, Sendable {
        var label: String
        var url: String?
        var ariaSort: String?
        var arrow: String
        var numeric: Bool
        var hiddenLabel: Bool
    }
    struct Export: Encodable, Sendable {
        var label: String
        var action: String
        var format: String
    }
    struct Hidden: Encodable, Sendable {
        var name: String
        var value: String
    }

    var action: String
    var q: String
    var searchPlaceholder: String
    var hidden: [Hidden]
    var filters: [Filter]
    var columns: [Header]
    var total: Int
    var shown: String
    var prevURL: String?
    var nextURL: String?
    var isEmpty: Bool
    var isFiltered: Bool
    var clearURL: String
    var emptyText: String
    var emptyActionLabel: String?
    var emptyActionURL: String?
    var notices: [String]
    var exports: [Export]
}

enum ListQuery {
    /// Runs the list: `base` gives the unfiltered, permission-scoped query (called again only when the page is
    /// empty, to tell "nothing yet" from "nothing matches"); `search` the text columns `q` looks in (LIKE);
    /// `filter` applies the whitelisted filter values. Returns one page of rows and the view of the controls.
    /// `related` lets the search also hit another table (e.g. the contract number of an escalation): it returns a
    /// foreign-key column and the ids whose text matched, found by the page in one bounded query.
    static func run<M: Model>(_ req: Request, _ spec: ListSpec, base: () -> QueryBuilder<M>, search: [FieldKey],
                              filter: (QueryBuilder<M>, ListState) -> Void = { _, _ in },
                              related: ((String) async throws -> (FieldKey, [UUID]))? = nil) async throws -> (rows: [M], view: ListView) {
        let state = ListState(req, spec)
        let query = base()
        filter(query, state)
        if let q = state.q, !search.isEmpty {
            // Case-insensitive on SQLite and PostgreSQL alike; %, _ and \ in the text are matched literally.
            let escaped = q.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            let pattern = "%" + escaped + "%"
            let extra = try await related?(q)
            query.group(.or) { g in
                for key in search {
                    g.filter(.sql(embed: "LOWER(\(ident: M.schemaOrAlias).\(ident: key.description)) LIKE \(bind: pattern) ESCAPE '\\'"))
                }
                if case let (key, ids)? = extra, !ids.isEmpty {
                    g.filter(.path([key], schema: M.schemaOrAlias), .subset(inverse: false), .array(ids.map { .bind($0) }))
                }
            }
        }
        let total = try await query.copy().count()
        let column = spec.columns.first { $0.key == state.sortKey }
        let dir: DatabaseQuery.Sort.Direction = state.descending ? .descending : .ascending
        switch column?.sort {
        case .field(let key): query.sort(.path([key], schema: M.schemaOrAlias), dir)
        case .sql(let terms): for term in terms { query.sort(.sql(unsafeRaw: term.replacingOccurrences(of: "{dir}", with: state.descending ? "DESC" : "ASC"))) }
        case nil: break
        }
        query.sort(.path([.id], schema: M.schemaOrAlias), dir)
        let offset = (state.page - 1) * spec.pageSize
        let rows = try await query.offset(offset).limit(spec.pageSize).all()
        // Only an empty page pays for the second count that tells "nothing yet" from "nothing matches".
        let nothingAtAll = total == 0 ? try await base().count() == 0 : false
        return (rows, view(req, spec, state, total: total, count: rows.count, offset: offset, nothingAtAll: nothingAtAll))
    }

    /// The view for lists whose rows are counted and fetched elsewhere (e.g. a query the page already has).
    static func view(_ req: Request, _ spec: ListSpec, _ state: ListState, total: Int, count: Int, offset: Int, nothingAtAll: Bool) -> ListView {
        let t = req.strings
        func url(sort: String? = nil, page: Int? = nil) -> String {
            var items: [URLQueryItem] = spec.fixed.map { URLQueryItem(name: $0.0, value: $0.1) }
            if let q = state.q { items.append(URLQueryItem(name: "q", value: q)) }
            for f in spec.filters where state.values[f.name] != f.defaultValue {
                items.append(URLQueryItem(name: f.name, value: state.values[f.name] ?? ""))
            }
            let current = (state.descending ? "-" : "") + state.sortKey
            let s = sort ?? current
            if s != spec.defaultSort { items.append(URLQueryItem(name: "sort", value: s)) }
            if let page, page > 1 { items.append(URLQueryItem(name: "page", value: "\(page)")) }
            return link(spec.path, items)
        }
        let headers = spec.columns.map { c -> ListView.Header in
            guard let key = c.key else {
                return .init(label: c.label, url: nil, ariaSort: nil, arrow: "", numeric: c.numeric, hiddenLabel: c.hiddenLabel)
            }
            let active = key == state.sortKey
            let next = active && !state.descending ? "-" + key : key
            return .init(label: c.label, url: url(sort: next), ariaSort: active ? (state.descending ? "descending" : "ascending") : "none",
                         arrow: active ? (state.descending ? "▼" : "▲") : "", numeric: c.numeric, hiddenLabel: false)
        }
        let filters = spec.filters.map { f in
            ListView.Filter(name: f.name, id: "list-f-" + f.name, label: f.label,
                            options: f.options.map { OptionView(value: $0.value, label: $0.label, selected: $0.value == state.values[f.name]) })
        }
        var hidden = spec.fixed.map { ListView.Hidden(name: $0.0, value: $0.1) }
        let current = (state.descending ? "-" : "") + state.sortKey
        if current != spec.defaultSort { hidden.append(.init(name: "sort", value: current)) }
        var clear: [URLQueryItem] = spec.fixed.map { URLQueryItem(name: $0.0, value: $0.1) }
        // Clearing shows everything: a filter whose default narrows (e.g. only open) is set to "any" explicitly.
        for f in spec.filters where !f.defaultValue.isEmpty { clear.append(URLQueryItem(name: f.name, value: "")) }
        let shown = total == 0 ? t.format("list_shown_none", [:])
            : t.format("list_shown", ["from": "\(offset + 1)", "to": "\(offset + count)", "total": "\(total)"])
        let page = offset / max(1, spec.pageSize) + 1
        let hasNext = offset + count < total && page < ListSpec.maxPage
        return ListView(
            action: spec.path, q: state.q ?? "", searchPlaceholder: spec.searchPlaceholder ?? "", hidden: hidden, filters: filters,
            columns: headers, total: total, shown: shown, prevURL: page > 1 ? url(page: page - 1) : nil,
            nextURL: hasNext ? url(page: page + 1) : nil, isEmpty: count == 0,
            isFiltered: !nothingAtAll, clearURL: link(spec.path, clear), emptyText: spec.emptyText,
            emptyActionLabel: spec.emptyActionLabel, emptyActionURL: spec.emptyActionURL, notices: state.notices, exports: spec.exports)
    }

    static func link(_ path: String, _ items: [URLQueryItem]) -> String {
        var c = URLComponents()
        c.path = path
        c.queryItems = items.isEmpty ? nil : items
        // `+` in a value would read back as a space.
        c.percentEncodedQuery = c.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return c.string ?? path
    }

    /// Select options from an enum, labelled from the locale, headed by "any".
    static func options<E: RawRepresentable & CaseIterable>(_ t: Strings, _ prefix: String, _ type: E.Type, any: String? = nil)
        -> [(value: String, label: String)] where E.RawValue == String {
        [("", any ?? t["list_any"])] + E.allCases.map { ($0.rawValue, t["\(prefix).\($0.rawValue)"]) }
    }
}

extension ListQuery {
    /// Ids of the contracts whose number or title contains the text (at most 500), for `related` searches.
    static func contractIDs(matching text: String, on db: any Database) async throws -> [UUID] {
        try await Contract.query(on: db).group(.or) { $0.filter(\.$number ~~ text).filter(\.$title ~~ text) }
            .field(\.$id).limit(500).all().compactMap(\.id)
    }
}
