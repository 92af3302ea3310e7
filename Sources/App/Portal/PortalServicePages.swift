import Fluent
import Vapor

/// The portal's after-sales service pages (issues #5 and #6): a customer's contacts submit requests, follow them with
/// their clocks in plain words, sign off, rate and object. Every lookup goes through `CustomerScope`; the writes are
/// the service module's own use cases (`ServiceRequestService`, `SatisfactionService`), with channel `portal`.
enum PortalServicePaths {
    static let requests = SiteRoute(template: "/portal/requests")
    static let newRequest = SiteRoute(template: "/portal/requests/new")
    static let request = SiteRoute1(template: "/portal/requests/:id")
    static let signOff = SiteRoute1(template: "/portal/requests/:id/sign-off")
    static let rating = SiteRoute1(template: "/portal/requests/:id/rating")
    static let objection = SiteRoute1(template: "/portal/requests/:id/objection")
    static let requestAttachments = SiteRoute1(template: "/portal/requests/:id/attachments")
}

extension CustomerScope {
    /// The customer's service requests (the only way the portal reads them).
    static func serviceRequests(for user: User, on db: any Database) -> QueryBuilder<ServiceRequest> {
        ServiceRequest.query(on: db).filter(\.$customerID == (customerID(for: user) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))))
    }

    /// One of the customer's requests, or 404 (recorded as a hidden denial).
    static func serviceRequest(_ req: Request, id: UUID) async throws -> ServiceRequest {
        if let found = try await serviceRequests(for: try req.user, on: req.db).filter(\.$id == id).first() { return found }
        req.storage[HiddenDenialKey.self] = true
        throw AppError.notFound(entity: "service_request", id: id.uuidString)
    }
}

struct PortalRequestsPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var url, number, title, type, status, received: String }
    var rows: [Row]
    var list: ListView
    var newURL: String
    var backURL: String

    /// The contact's own requests on the shared list mechanism (the base query is the customer scope).
    static func spec(_ t: Strings) -> ListSpec {
        ListSpec(
            path: PortalServicePaths.requests.path,
            columns: [.sortable(t["portal_request_number"], "number", .field("number")), .sortable(t["portal_request_subject"], "title", .field("title")),
                      .sortable(t["portal_request_type"], "type", .field("type")), .sortable(t["field_status"], "status", .field("status")),
                      .sortable(t["portal_request_received"], "received_at", .field("received_at"))],
            defaultSort: "-received_at",
            filters: [ListFilterSpec(name: "status", label: t["field_status"],
                                     options: [("", t["list_any"]), ("open", t["svc_filter_open"])] + RequestStatus.allCases.map { ($0.rawValue, t.label("svc_status", $0)) }),
                      ListFilterSpec(name: "type", label: t["portal_request_type"], options: ListQuery.options(t, "svc_type", RequestType.self))],
            searchPlaceholder: t["svc_search_placeholder"],
            emptyText: t["list_empty_portal_requests"], emptyActionLabel: t["portal_request_new"], emptyActionURL: PortalServicePaths.newRequest.path)
    }
}

struct PortalNewRequestPage: Encodable, Sendable {
    var action: String
    var backURL: String
    var contracts: [OptionView]
    var types: [OptionView]
    var urgencies: [OptionView]
    var title: String
    var description: String
    var error: String?
}

struct PortalRequestPage: Encodable, Sendable {
    struct Clock: Encodable, Sendable { var name, state, due: String }
    struct Objection: Encodable, Sendable { var raised, text, status: String }
    var backURL: String
    var number, title, description, type, urgency, status, received: String
    var clocks: [Clock]
    var objections: [Objection]
    var canSignOff: Bool
    var canRate: Bool
    var rated: String?
    var signOffURL, ratingURL, objectionURL: String
    var error: String?
    var files: AttachmentSection
}

struct PortalServiceController {
    func register(on routes: any RoutesBuilder) {
        routes.get(PortalServicePaths.requests, use: list)
        routes.get(PortalServicePaths.newRequest, use: newForm)
        // A new request may carry a photo (multipart; the service checks the file itself against the 10 MB limit).
        routes.on(.POST, PortalServicePaths.requests.components, body: .collect(maxSize: "11mb"), use: create)
        routes.on(.POST, PortalServicePaths.requestAttachments.components, body: .collect(maxSize: "11mb"), use: attach)
        routes.get(PortalServicePaths.request, use: show)
        routes.post(PortalServicePaths.signOff, use: signOff)
        routes.post(PortalServicePaths.rating, use: rate)
        routes.post(PortalServicePaths.objection, use: object)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let t = req.strings
        let user = try req.user, db = req.db
        let (rows, list) = try await ListQuery.run(req, PortalRequestsPage.spec(t), base: { CustomerScope.serviceRequests(for: user, on: db) },
                                                   search: ["number", "title", "description"]) { q, s in
            var f = ServiceRequestFilter()
            f.status = s.value("status")
            f.type = s.value("type").flatMap(RequestType.init(rawValue:))
            _ = f.apply(q)
        }
        let page = PortalRequestsPage(rows: rows.map {
            .init(url: PortalServicePaths.request.path($0.id!), number: $0.number, title: $0.title, type: t.label("svc_type", $0.type),
                  status: t.label("svc_status", $0.status), received: t.time($0.receivedAt))
        }, list: list, newURL: PortalServicePaths.newRequest.path, backURL: PortalPaths.home.path)
        return try await WebView.render(req, "portal/requests", title: t["portal_requests_title"], page)
    }

    private func newPage(_ req: Request, form: FormBody? = nil, error: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let t = req.strings
        let contracts = try await CustomerScope.contracts(for: try req.user, on: req.db).sort(\.$number).all()
        let chosen = form?.string("contract_id") ?? ""
        var contractOptions = [OptionView(value: "", label: t["none_option"], selected: chosen.isEmpty)]
        contractOptions += contracts.map { OptionView(value: $0.id!.uuidString.lowercased(), label: "\($0.number) \($0.title)", selected: chosen == $0.id!.uuidString.lowercased()) }
        let type = form?.string("type") ?? RequestType.faultRepair.rawValue
        let urgency = form?.string("urgency") ?? Urgency.normal.rawValue
        let page = PortalNewRequestPage(
            action: PortalServicePaths.requests.path, backURL: PortalServicePaths.requests.path, contracts: contractOptions,
            types: RequestType.allCases.filter { $0 != .inspection }.map { OptionView(value: $0.rawValue, label: t.label("svc_type", $0), selected: $0.rawValue == type) },
            urgencies: [Urgency.urgent, .normal].map { OptionView(value: $0.rawValue, label: t.label("svc_urgency", $0), selected: $0.rawValue == urgency) },
            title: form?.string("title") ?? "", description: form?.string("description") ?? "", error: error)
        return try await WebView.render(req, "portal/request_new", title: t["portal_request_new"], page, status: status)
    }

    @Sendable func newForm(req: Request) async throws -> Response { try await newPage(req) }

    /// The new-request form as a multipart body (with an optional `file`) or, without a file input, url-encoded.
    struct NewRequestForm: Content {
        var contractID, type, urgency, title, description: String?
        var file: File?
        enum CodingKeys: String, CodingKey {
            case contractID = "contract_id", type, urgency, title, description, file
        }

        /// The text fields as a `FormBody`, so both encodings take the same path.
        var body: FormBody {
            let pairs: [(String, String?)] = [("contract_id", contractID), ("type", type), ("urgency", urgency), ("title", title), ("description", description)]
            return FormBody(encoded: pairs.compactMap { k, v in
                v.map { "\(k)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            }.joined(separator: "&"))
        }
    }

    /// The uploaded file of a multipart form, or nil when none was chosen (browsers send an empty part then).
    static func uploadedFile(_ req: Request) -> (name: String, data: Data)? {
        guard req.headers.contentType?.type == "multipart", let form = try? req.content.decode(NewRequestForm.self),
              let file = form.file, file.data.readableBytes > 0 else { return nil }
        return (file.filename, Data(file.data.readableBytesView))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.user
        let t = req.strings
        let isMultipart = req.headers.contentType?.type == "multipart"
        let multipart = isMultipart ? try? req.content.decode(NewRequestForm.self) : nil
        if isMultipart && multipart == nil {
            return try await newPage(req, error: t["form_error_banner"], status: .badRequest)
        }
        let form = multipart?.body ?? FormBody(req)
        // The photo is checked before anything is written: a refused file leaves no request behind.
        let file = Self.uploadedFile(req)
        if let file {
            do { _ = try AttachmentService.check(file.data) } catch let abort as Abort where abort.status == .unsupportedMediaType {
                return try await newPage(req, form: form, error: t["attachments_bad_type"], status: .unsupportedMediaType)
            } catch AppError.payloadTooLarge {
                return try await newPage(req, form: form, error: t["attachments_too_large"], status: .payloadTooLarge)
            }
        }
        var contractID: UUID?
        if let raw = form.string("contract_id"), !raw.isEmpty {
            guard let id = UUID(uuidString: raw) else { return try await newPage(req, form: form, error: req.strings["form_error_banner"], status: .unprocessableEntity) }
            contractID = try await CustomerScope.contract(req, id: id).id  // another customer's contract: 404
        }
        let input = ServiceRequestCreateInput(
            customerId: CustomerScope.customerID(for: user), contractId: contractID, channel: ServiceChannel.portal.rawValue,
            type: form.string("type"), urgency: form.string("urgency"), remoteSolvable: nil, title: form.string("title"),
            description: form.string("description"), contactName: user.displayName, contactEmail: user.email, contactPhone: user.phone,
            receivedAt: nil, engineerId: nil, departmentId: nil)
        do {
            let created = try await ServiceRequestService.create(req.application, actor: user.actor, input)
            if let file {
                _ = try await AttachmentService.add(req.application, actor: user.actor, parent: .serviceRequest, parentID: created.request.id,
                                                    contractID: nil, filename: file.name, data: file.data)
            }
            return WebView.redirect(req, to: PortalServicePaths.request.path(created.request.id), notice: .created)
        } catch let error as AppError {
            guard case .invalid(let fields) = error else { throw error }
            let t = req.strings
            let text = fields.sorted { $0.key < $1.key }.map { "\(t.table["field_" + $0.key] ?? $0.key): \(FieldMessages.localize($0.value, t))" }
            return try await newPage(req, form: form, error: t["form_error_banner"] + " " + text.joined(separator: "；"), status: .unprocessableEntity)
        }
    }

    private func page(_ req: Request, id: UUID, error: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let t = req.strings
        let r = try await CustomerScope.serviceRequest(req, id: id)
        let detail = try await ServiceRequestService.detail(id, on: req.db, now: req.now, clocks: req.application.serviceClocks)
        let clocks = detail.clocks.map { c in
            PortalRequestPage.Clock(name: t.table["svc_clock." + c.name] ?? c.name, state: t.table["portal_clock." + c.state] ?? c.state,
                                    due: t.time(c.dueAt))
        }
        let rating = detail.rating.map { _ in t["portal_rated"] }
        let page = PortalRequestPage(
            backURL: PortalServicePaths.requests.path, number: r.number, title: r.title, description: r.summary,
            type: t.label("svc_type", r.type), urgency: t.label("svc_urgency", r.urgency), status: t.label("svc_status", r.status),
            received: t.time(r.receivedAt), clocks: clocks,
            objections: detail.objections.map { .init(raised: t.time($0.raisedAt), text: $0.description, status: $0.status.rawValue) },
            canSignOff: r.status == .resolved, canRate: r.resolvedAt != nil && detail.rating == nil, rated: rating,
            signOffURL: PortalServicePaths.signOff.path(id), ratingURL: PortalServicePaths.rating.path(id),
            objectionURL: PortalServicePaths.objection.path(id), error: error,
            files: try await AttachmentSection.portal(req, requestID: id, canUpload: r.status.isOpen))
        return try await WebView.render(req, "portal/request", title: r.number, page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response { try await page(req, id: try req.pathID(entity: "service_request")) }

    /// Adds a file to one of the customer's own open requests; another customer's request is 404.
    @Sendable func attach(req: Request) async throws -> Response {
        let id = try req.pathID(entity: "service_request")
        let r = try await CustomerScope.serviceRequest(req, id: id)
        let t = req.strings
        guard r.status.isOpen else { return try await page(req, id: id, error: t["portal_files_closed"], status: .conflict) }
        guard let file = Self.uploadedFile(req) else {
            return try await page(req, id: id, error: t["attachments_none_chosen"], status: .unprocessableEntity)
        }
        do {
            _ = try await AttachmentService.add(req.application, actor: try req.user.actor, parent: .serviceRequest, parentID: id,
                                                contractID: nil, filename: file.name, data: file.data)
        } catch let abort as Abort where abort.status == .unsupportedMediaType {
            return try await page(req, id: id, error: t["attachments_bad_type"], status: .unsupportedMediaType)
        } catch AppError.payloadTooLarge {
            return try await page(req, id: id, error: t["attachments_too_large"], status: .payloadTooLarge)
        }
        return WebView.redirect(req, to: PortalServicePaths.request.path(id), notice: .created)
    }

    /// Runs a portal write on one of the customer's requests; a refused input is shown on the page, not as an error page.
    private func write(_ req: Request, _ body: @escaping @Sendable (ServiceRequest, User) async throws -> Void) async throws -> Response {
        let id = try req.pathID(entity: "service_request")
        let r = try await CustomerScope.serviceRequest(req, id: id)
        do {
            try await body(r, try req.user)
        } catch let error as AppError {
            switch error {
            case .invalid, .conflict, .unprocessable:
                let detail = error.fields.isEmpty ? error.message : error.fields.map { "\($0.key): \(FieldMessages.localize($0.value, req.strings))" }.joined(separator: "；")
                return try await page(req, id: id, error: detail, status: error.httpStatus)
            default: throw error
            }
        }
        return WebView.redirect(req, to: PortalServicePaths.request.path(id), notice: .saved)
    }

    @Sendable func signOff(req: Request) async throws -> Response {
        let app = req.application
        return try await write(req) { r, user in
            _ = try await ServiceRequestService.record(app, actor: user.actor, id: r.id!, expectedVersion: nil,
                                                       RequestEventInput(type: RequestEventType.signOff.rawValue, at: nil, note: nil, reason: nil,
                                                                         solution: nil, signerName: user.displayName, rating: nil,
                                                                         engineerId: nil, departmentId: nil))
        }
    }

    @Sendable func rate(req: Request) async throws -> Response {
        let form = FormBody(req)
        let app = req.application
        let input = RatingInput(speed: form.string("speed").flatMap { Int($0) }, solving: form.string("solving").flatMap { Int($0) },
                                attitude: form.string("attitude").flatMap { Int($0) },
                                professionalism: form.string("professionalism").flatMap { Int($0) }, comment: form.string("comment"))
        return try await write(req) { r, user in
            _ = try await SatisfactionService.rate(app, actor: user.actor, requestID: r.id!, input)
        }
    }

    @Sendable func object(req: Request) async throws -> Response {
        let text = FormBody(req).string("description")
        let app = req.application
        return try await write(req) { r, user in
            _ = try await SatisfactionService.raiseObjection(app, actor: user.actor, requestID: r.id!,
                                                             ObjectionInput(raisedAt: nil, source: "customer", description: text))
        }
    }
}
