import Fluent
import Foundation
import LvyueCore

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

    var action: String
    var q: String
    var statusOptions: [OptionView]
    var customerOptions: [OptionView]
    var rows: [Row]
    var nextURL: String?
    var firstURL: String?
    var isEmpty: Bool
    var isFiltered: Bool
    var canCreate: Bool
    var newURL: String

    /// One query for the page's contracts, one each for their customers, owners and milestones (never one per row).
    static func query(on db: any Database, filter: ContractFilter, page: PageRequest, today: LocalDate, t: Strings,
                      canCreate: Bool) async throws -> ContractListPage {
        let contracts = try await page.apply(filter.query(on: db)).all()
        let hasMore = contracts.count > page.limit
        let shown = Array(contracts.prefix(page.limit))
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

        let customerChoices = try await Customer.query(on: db).sort(\.$name).limit(Lookups.customerLimit).all()
        let selectedCustomer = filter.customerID?.formValue
        var customerOptions = [OptionView(value: "", label: t["filter_all_customers"], selected: selectedCustomer == nil)]
        customerOptions += customerChoices.map { OptionView(value: $0.id!.formValue, label: $0.name, selected: $0.id!.formValue == selectedCustomer) }

        var base: [URLQueryItem] = []
        if let q = filter.text { base.append(URLQueryItem(name: "q", value: q)) }
        if let s = filter.status { base.append(URLQueryItem(name: "status", value: s.rawValue)) }
        if let c = selectedCustomer { base.append(URLQueryItem(name: "customer_id", value: c)) }
        func url(_ items: [URLQueryItem]) -> String {
            var comps = URLComponents()
            comps.path = SitePath.contracts.path
            comps.queryItems = items.isEmpty ? nil : items
            return comps.string ?? SitePath.contracts.path
        }
        let next = hasMore ? shown.last?.id.map { url(base + [URLQueryItem(name: "cursor", value: $0.uuidString)]) } : nil
        let isFiltered = filter.text != nil || filter.status != nil || filter.customerID != nil

        return ContractListPage(
            action: SitePath.contracts.path, q: filter.text ?? "",
            statusOptions: t.options("contract_status", ContractStatus.self, selected: filter.status?.rawValue, blank: t["filter_all_statuses"]),
            customerOptions: customerOptions, rows: rows, nextURL: next, firstURL: page.after == nil ? nil : url(base),
            isEmpty: rows.isEmpty, isFiltered: isFiltered, canCreate: canCreate, newURL: SitePath.contractNew.path)
    }
}
