import Fluent
import Foundation
import Vapor

/// `/customers`: search and one page of 50.
struct CustomerListPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var url, name, shortName, industry, address: String }
    var list: ListView
    var rows: [Row]
    var canCreate: Bool
    var newURL: String

    static func spec(_ t: Strings, canCreate: Bool) -> ListSpec {
        ListSpec(
            path: SitePath.customers.path,
            columns: [.sortable(t["field_customer_name"], "name", .field("name")), .sortable(t["field_short_name"], "short_name", .field("short_name")),
                      .sortable(t["field_industry"], "industry", .field("industry")), .plain(t["field_address"])],
            defaultSort: "name",
            searchPlaceholder: t["customers_search_placeholder"],
            emptyText: canCreate ? t["list_empty_customers"] : t["list_empty_customers_readonly"],
            emptyActionLabel: canCreate ? t["customers_new"] : nil, emptyActionURL: canCreate ? SitePath.customerNew.path : nil)
    }

    static func query(_ req: Request, canCreate: Bool) async throws -> CustomerListPage {
        let db = req.db
        let (shown, list) = try await ListQuery.run(req, spec(req.strings, canCreate: canCreate), base: { Customer.query(on: db) },
                                                    search: ["name", "short_name"])
        return CustomerListPage(
            list: list,
            rows: shown.map { Row(url: SitePath.customer.path($0.id!), name: $0.name, shortName: $0.shortName ?? "—",
                                  industry: $0.industry ?? "—", address: $0.address ?? "—") },
            canCreate: canCreate, newURL: SitePath.customerNew.path)
    }
}

/// `/customers/:id`: the customer, its contacts and its contracts.
struct CustomerPage: Encodable, Sendable {
    struct ContactRow: Encodable, Sendable { var name, title, phone, email, editURL: String }
    struct ContractRow: Encodable, Sendable { var url, number, title, status, statusKey: String }
    var name, shortName, industry, address: String
    var editURL: String
    var newContactURL: String
    var canEdit: Bool
    var contacts: [ContactRow]
    var contracts: [ContractRow]
    var hasContacts = false
    var hasContracts = false

    static func query(on db: any Database, id: UUID, t: Strings, canEdit: Bool) async throws -> CustomerPage {
        let c = try await Writes.find(Customer.self, id, on: db)
        let contacts = try await CustomerContact.query(on: db).filter(\.$customer.$id == id).sort(\.$id).limit(200).all()
        let contracts = try await Contract.query(on: db).filter(\.$customer.$id == id).sort(\.$id, .descending).limit(50).all()
        var page = CustomerPage(
            name: c.name, shortName: c.shortName ?? "—", industry: c.industry ?? "—", address: c.address ?? "—",
            editURL: SitePath.customerEdit.path(id), newContactURL: SitePath.contactNew.path(id), canEdit: canEdit,
            contacts: contacts.map { ContactRow(name: $0.name, title: $0.title ?? "—", phone: $0.phone ?? "—", email: $0.email ?? "—",
                                                editURL: SitePath.contactEdit.path($0.id!)) },
            contracts: contracts.map { ContractRow(url: SitePath.contract.path($0.id!), number: $0.number, title: $0.title,
                                                   status: t.label("contract_status", $0.status), statusKey: $0.status.rawValue) })
        page.hasContacts = !page.contacts.isEmpty
        page.hasContracts = !page.contracts.isEmpty
        return page
    }
}

struct CustomerWebController {
    static let customerSpec: [(String, FormBody.Kind)] = [("name", .string), ("short_name", .string), ("industry", .string), ("address", .string)]
    static let contactSpec: [(String, FormBody.Kind)] = [("name", .string), ("title", .string), ("phone", .string), ("email", .string)]

    func register(on routes: any RoutesBuilder) {
        routes.get(SitePath.customers, use: list)
        routes.get(SitePath.customerNew, use: newForm)
        routes.post(SitePath.customerNew, use: create)
        routes.get(SitePath.customer, use: show)
        routes.get(SitePath.customerEdit, use: editForm)
        routes.post(SitePath.customerEdit, use: update)
        routes.get(SitePath.contactNew, use: newContactForm)
        routes.post(SitePath.contactNew, use: createContact)
        routes.get(SitePath.contactEdit, use: editContactForm)
        routes.post(SitePath.contactEdit, use: updateContact)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .customer)
        let page = try await CustomerListPage.query(req, canCreate: Permissions.allows(try req.user.role, .create, .customer))
        return try await WebView.render(req, "customers/list", title: req.strings["customers_title"], page)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .customer)
        let page = try await CustomerPage.query(on: req.db, id: try req.pathID(entity: "customer"), t: req.strings,
                                                canEdit: Permissions.allows(try req.user.role, .update, .customer))
        return try await WebView.render(req, "customers/show", title: page.name, page)
    }

    // MARK: customer form

    private func customerFields(_ s: FormState) -> [FieldView] {
        [
            s.field("name", "field_customer_name", required: true, wide: true, max: 200),
            s.field("short_name", "field_short_name", max: 60),
            s.field("industry", "field_industry", max: 100),
            s.field("address", "field_address", wide: true, max: 300),
        ]
    }

    private func renderCustomer(_ req: Request, _ s: FormState, customer: Customer?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let t = req.strings
        let heading = t[customer == nil ? "customer_new_title" : "customer_edit_title"]
        let page = FormPage(heading: heading, context: customer?.name,
                            action: customer.map { SitePath.customerEdit.path($0.id!) } ?? SitePath.customerNew.path,
                            submitLabel: t["action_save"], cancelURL: customer.map { SitePath.customer.path($0.id!) } ?? SitePath.customers.path,
                            banner: s.banner, version: customer.map { Int(s.values["version"] ?? "") ?? $0.version }, fields: customerFields(s))
        return try await WebView.render(req, "form", title: heading, page, status: status)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .customer)
        return try await renderCustomer(req, FormState(req.strings), customer: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .customer)
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: Set(Self.customerSpec.map(\.0))) {
            let customer = Customer()
            try body.decode(CustomerRequest.self, Self.customerSpec).apply(to: customer, creating: true)
            try await CustomerService.requireUniqueName(customer.name, except: nil, on: req.db)
            let created = try await Writes.create(req.application, actor: req.actor, customer)
            return WebView.redirect(req, to: SitePath.customer.path(created.id), notice: .created)
        } rerender: { errors, banner, status in
            var s = FormState(req.strings, submitted: body)
            s.errors = errors
            s.banner = banner
            return try await renderCustomer(req, s, customer: nil, status: status)
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let c = try await Writes.find(Customer.self, try req.pathID(entity: "customer"), on: req.db)
        let s = FormState(req.strings, values: ["name": c.name, "short_name": c.shortName ?? "", "industry": c.industry ?? "",
                                                "address": c.address ?? ""])
        return try await renderCustomer(req, s, customer: c)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let id = try req.pathID(entity: "customer")
        let customer = try await Writes.find(Customer.self, id, on: req.db)
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: Set(Self.customerSpec.map(\.0))) {
            let input = try body.decode(CustomerRequest.self, Self.customerSpec)
            _ = try await Writes.update(req.application, actor: req.actor, Customer.self, id: id, expectedVersion: body.expectedVersion) { c, db in
                try input.apply(to: c, creating: false)
                try await CustomerService.requireUniqueName(c.name, except: id, on: db)
            }
            return WebView.redirect(req, to: SitePath.customer.path(id), notice: .saved)
        } rerender: { errors, banner, status in
            var s = FormState(req.strings, submitted: body)
            s.errors = errors
            s.banner = banner
            return try await renderCustomer(req, s, customer: customer, status: status)
        }
    }

    // MARK: contacts

    private func renderContact(_ req: Request, _ s: FormState, customer: Customer, contact: CustomerContact?,
                               status: HTTPResponseStatus = .ok) async throws -> Response {
        let t = req.strings
        let heading = t[contact == nil ? "contact_new_title" : "contact_edit_title"]
        let page = FormPage(heading: heading, context: customer.name,
                            action: contact.map { SitePath.contactEdit.path($0.id!) } ?? SitePath.contactNew.path(customer.id!),
                            submitLabel: t["action_save"], cancelURL: SitePath.customer.path(customer.id!), banner: s.banner,
                            version: contact.map { Int(s.values["version"] ?? "") ?? $0.version },
                            fields: [
                                s.field("name", "field_contact_name", required: true, max: 100),
                                s.field("title", "field_contact_title", max: 100),
                                s.field("phone", "field_phone", inputMode: "tel", max: 40),
                                s.field("email", "field_email", inputMode: "email", max: 200),
                            ])
        return try await WebView.render(req, "form", title: heading, page, status: status)
    }

    @Sendable func newContactForm(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let customer = try await Writes.find(Customer.self, try req.pathID(entity: "customer"), on: req.db)
        return try await renderContact(req, FormState(req.strings), customer: customer, contact: nil)
    }

    @Sendable func createContact(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let customer = try await Writes.find(Customer.self, try req.pathID(entity: "customer"), on: req.db)
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: Set(Self.contactSpec.map(\.0))) {
            let contact = CustomerContact()
            contact.$customer.id = customer.id!
            try body.decode(ContactRequest.self, Self.contactSpec).apply(to: contact, creating: true)
            _ = try await Writes.create(req.application, actor: req.actor, contact)
            return WebView.redirect(req, to: SitePath.customer.path(customer.id!), notice: .created)
        } rerender: { errors, banner, status in
            var s = FormState(req.strings, submitted: body)
            s.errors = errors
            s.banner = banner
            return try await renderContact(req, s, customer: customer, contact: nil, status: status)
        }
    }

    @Sendable func editContactForm(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let contact = try await Writes.find(CustomerContact.self, try req.pathID(entity: "customer_contact"), on: req.db)
        let customer = try await Writes.find(Customer.self, contact.$customer.id, on: req.db)
        let s = FormState(req.strings, values: ["name": contact.name, "title": contact.title ?? "", "phone": contact.phone ?? "",
                                                "email": contact.email ?? ""])
        return try await renderContact(req, s, customer: customer, contact: contact)
    }

    @Sendable func updateContact(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let id = try req.pathID(entity: "customer_contact")
        let contact = try await Writes.find(CustomerContact.self, id, on: req.db)
        let customer = try await Writes.find(Customer.self, contact.$customer.id, on: req.db)
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: Set(Self.contactSpec.map(\.0))) {
            let input = try body.decode(ContactRequest.self, Self.contactSpec)
            _ = try await Writes.update(req.application, actor: req.actor, CustomerContact.self, id: id,
                                        expectedVersion: body.expectedVersion) { c, _ in
                try input.apply(to: c, creating: false)
            }
            return WebView.redirect(req, to: SitePath.customer.path(customer.id!), notice: .saved)
        } rerender: { errors, banner, status in
            var s = FormState(req.strings, submitted: body)
            s.errors = errors
            s.banner = banner
            return try await renderContact(req, s, customer: customer, contact: contact, status: status)
        }
    }
}
