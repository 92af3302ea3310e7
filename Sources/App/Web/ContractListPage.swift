import Fluent
import Foundation
import LvyueCore
import Vapor

/// `/contracts`: search, filters, one page of 50 with each contract's weighted progress.
struct ContractListPage: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var url: String
        var number: String
        var title: String
        var customer: String
        var category: String
        var status: String
        var statusKey: String
        var amount: String
        var progress: String
        var progressClass: String
        var owner: String
    }

    var list: ListView
    var rows: [Row]
    var canCreate: Bool
    var newURL: String

    /// The list's columns, filters and empty state (the shared list mechanism, issue #8).
    static func spec(_ t: Strings, customers: [(value: String, label: String)], canCreate: Bool) -> ListSpec {
        ListSpec(
            path: SitePath.contracts.path,
            columns: [.sortable(t["col_number"], "number", .field("number")), .sortable(t["col_title"], "title", .field("title")),
                      .plain(t["col_customer"]), .sortable(t["col_category"], "category", .field("category")),
                      .sortable(t["col_status"], "status", .field("status")), .sortable(t["col_amount"], "amount", .field("amount_minor"), numeric: true),
                      .plain(t["col_progress"]), .plain(t["col_owner"])],
            defaultSort: "number",
            filters: [ListFilterSpec(name: "status", label: t["col_status"],
                                     options: [("", t["filter_all_statuses"]), ("monitored", t["list_contracts_monitored"])]
                                         + ContractStatus.allCases.map { ($0.rawValue, t.label("contract_status", $0)) }),
                      ListFilterSpec(name: "category", label: t["col_category"], options: ListQuery.options(t, "contract_category", ContractCategory.self)),
                      ListFilterSpec(name: "customer_id", label: t["col_customer"], options: [("", t["filter_all_customers"])] + customers)],
            searchPlaceholder: t["contracts_search_placeholder"],
            emptyText: canCreate ? t["list_empty_contracts"] : t["contracts_empty_readonly"],
            emptyActionLabel: canCreate ? t["contracts_new"] : nil, emptyActionURL: canCreate ? SitePath.contractNew.path : nil,
            exports: [.init(label: t["exchange_export_xlsx"], action: "/exports/contracts", format: "xlsx")])
    }

    /// One query for the page's contracts, one each for their customers, owners and milestones (never one per row).
    static func query(_ req: Request, today: LocalDate, t: Strings, canCreate: Bool) async throws -> ContractListPage {
        let db = req.db
        let customerChoices = try await Customer.query(on: db).sort(\.$name).limit(Lookups.customerLimit).all()
        let listSpec = Self.spec(t, customers: customerChoices.map { ($0.id!.formValue, $0.name) }, canCreate: canCreate)
        let (shown, list) = try await ListQuery.run(req, listSpec, base: { Contract.query(on: db) }, search: ["number", "title"]) { q, s in
            if s.value("status") == "monitored" { q.filter(\.$status ~~ RiskEngine.monitoredStatuses) }
            if let v = s.value("status"), let status = ContractStatus(rawValue: v) { q.filter(\.$status == status) }
            if let v = s.value("category"), let c = ContractCategory(rawValue: v) { q.filter(\.$category == c) }
            if let v = s.value("customer_id"), let id = UUID(uuidString: v) { q.filter(\.$customer.$id == id) }
        }
        let ids = shown.compactMap(\.id)

        let customerIDs = Array(Set(shown.map { $0.$customer.id }))
        let ownerIDs = Array(Set(shown.compactMap { $0.$owner.id }))
        let customers = customerIDs.isEmpty ? [] : try await Customer.query(on: db).filter(\.$id ~~ customerIDs).all()
        let owners = ownerIDs.isEmpty ? [] : try await User.query(on: db).filter(\.$id ~~ ownerIDs).all()
        let milestones = ids.isEmpty ? [] : try await Milestone.query(on: db).filter(\.$contract.$id ~~ ids)
            .field(\.$id).field(\.$contract.$id).field(\.$weight).field(\.$progress).field(\.$actualOn).all()
        let byContract = Dictionary(grouping: milestones, by: { $0.$contract.id })
        let customerName = Dictionary(uniqueKeysWithValues: customers.map { ($0.id!, $0.shortName ?? $0.name) })
        let ownerName = Dictionary(uniqueKeysWithValues: owners.map { ($0.id!, $0.displayName) })

        let rows = shown.map { c in
            let progress = Fulfilment.weightedProgress((byContract[c.id!] ?? []).map { ($0.weight, $0.progress, $0.actualOn != nil) })
            return Row(url: SitePath.contract.path(c.id!), number: c.number, title: c.title,
                       customer: customerName[c.$customer.id] ?? "—", category: t.label("contract_category", c.category),
                       status: t.label("contract_status", c.status), statusKey: c.status.rawValue,
                       amount: t.money(c.amountMinor, c.currency), progress: t.percent(progress),
                       progressClass: Display.widthClass(progress), owner: c.$owner.id.flatMap { ownerName[$0] } ?? "—")
        }

        return ContractListPage(list: list, rows: rows, canCreate: canCreate, newURL: SitePath.contractNew.path)
    }
}
