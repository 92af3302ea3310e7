import Fluent
import Foundation
import LvyueCore
import Vapor

struct TriageResponse: Content, HasVersion {
    var id: UUID
    var fromAddress: String
    var fromName: String?
    var subject: String
    var body: String
    var messageId: String?
    var receivedAt: Date
    var status: TriageStatus
    var requestId: UUID?
    var handledBy: String?
    var handledAt: Date?
    var version: Int
}

extension TriageItem: AuditedModel {
    static let entityType = "service_triage"
    func response(_ ctx: ResponseContext) -> TriageResponse {
        TriageResponse(id: id!, fromAddress: fromAddress, fromName: fromName, subject: subject, body: body, messageId: messageID,
                       receivedAt: receivedAt, status: status, requestId: requestID, handledBy: handledBy, handledAt: handledAt, version: version)
    }
}

/// What became of a posted mail: a new request, a note on an existing one, or a triage entry.
struct IntakeResult: Content {
    var outcome: String
    var requestId: UUID?
    var requestNumber: String?
    var triageId: UUID?
}

/// The triage form: the request to create from a mail (customer and classification chosen by the desk).
struct TriageCreateInput: Decodable, Sendable {
    var customerId: UUID?
    var contractId: UUID?
    var type: String?
    var urgency: String?
    var remoteSolvable: Bool?
    var contactName: String?
}

/// Email intake (issue #4 §4): a mail relay posts the raw RFC 5322 message; the sender is matched to a customer
/// contact by address; a subject carrying a request number adds a note to that request; unknown senders go to triage.
enum EmailIntake {
    static func receive(_ app: Application, actor: Actor, raw: Data) async throws -> IntakeResult {
        let message: MimeMessage
        do { message = try MimeMessage.parse(raw) } catch let e as MimeError {
            throw AppError.unprocessable(code: "invalid_message", message: e.description)
        }
        guard let from = message.from else {
            throw AppError.unprocessable(code: "invalid_message", message: "the message has no usable From address", fields: ["From": "missing or unreadable"])
        }
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        let subject = String(message.subject.prefix(300))
        let body = String(message.textBody.prefix(20000))
        return try await Store.write(app) { db in
            let contacts = try await CustomerContact.query(on: db).filter(\.$email != nil).all()
                .filter { ($0.email ?? "").lowercased() == from.address }
            if let number = Mime.serviceRequestNumber(in: subject),
               let r = try await ServiceRequest.query(on: db).filter(\.$number == number).first(),
               contacts.isEmpty || contacts.contains(where: { $0.$customer.id == r.customerID }) {
                try await ServiceRequestService.event(r, "note", at: ctx.now, message: Message("svc_note.email", ["from": from.address, "subject": subject, "body": body]), on: db, ctx: ctx)
                r.version += 1
                r.updatedAt = ctx.now
                try await r.save(on: db)
                try await AuditLog.append(on: db, at: ctx.now, actor: ctx.actor, action: "email.note", entityType: ServiceRequest.entityType,
                                          entityID: r.id!.uuidString, after: ["from": from.address, "subject": subject])
                return IntakeResult(outcome: "note", requestId: r.id, requestNumber: r.number, triageId: nil)
            }
            if let contact = contacts.first {
                let input = ServiceRequestCreateInput(customerId: contact.$customer.id, contractId: nil, channel: ServiceChannel.email.rawValue,
                                                      type: RequestType.other.rawValue, urgency: Urgency.normal.rawValue, remoteSolvable: false,
                                                      title: subject.isEmpty ? nil : subject, description: body.isEmpty ? subject : body,
                                                      contactName: from.name ?? contact.name, contactEmail: from.address, contactPhone: contact.phone,
                                                      receivedAt: ctx.now, engineerId: nil, departmentId: nil)
                let r = try await ServiceRequestService.insert(input, on: db, ctx: ctx, clocks: clocks)
                return IntakeResult(outcome: "request", requestId: r.id, requestNumber: r.number, triageId: nil)
            }
            let t = TriageItem()
            t.id = ctx.newID()
            t.fromAddress = from.address
            t.fromName = from.name
            t.subject = subject
            t.body = body
            t.messageID = message.messageID.map { String($0.prefix(300)) }
            t.receivedAt = ctx.now
            t.status = .pending
            t.version = 1
            try await t.create(on: db)
            try await AuditLog.append(on: db, at: ctx.now, actor: ctx.actor, action: "create", entityType: TriageItem.entityType,
                                      entityID: t.id!.uuidString, after: t.response(ResponseContext(now: ctx.now)))
            return IntakeResult(outcome: "triage", requestId: nil, requestNumber: nil, triageId: t.id)
        }
    }

    static func createRequest(_ app: Application, actor: Actor, triageID: UUID, expectedVersion: Int?, _ input: TriageCreateInput) async throws -> ServiceRequestDetail {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        let clocks = app.serviceClocks
        let id = try await Store.write(app) { db in
            let t = try await Writes.find(TriageItem.self, triageID, on: db)
            try Precondition.check(expectedVersion, against: t)
            guard t.status == .pending else { throw AppError.conflict(code: "triage_handled", message: "this mail was already \(t.status.rawValue)") }
            let before = t.response(ResponseContext(now: ctx.now))
            let req = ServiceRequestCreateInput(customerId: input.customerId, contractId: input.contractId, channel: ServiceChannel.email.rawValue,
                                                type: input.type ?? RequestType.other.rawValue, urgency: input.urgency ?? Urgency.normal.rawValue,
                                                remoteSolvable: input.remoteSolvable, title: t.subject.isEmpty ? nil : t.subject,
                                                description: t.body.isEmpty ? t.subject : t.body, contactName: input.contactName ?? t.fromName,
                                                contactEmail: t.fromAddress, contactPhone: nil, receivedAt: t.receivedAt, engineerId: nil, departmentId: nil)
            let r = try await ServiceRequestService.insert(req, on: db, ctx: ctx, clocks: clocks)
            t.status = .created
            t.requestID = r.id
            t.handledBy = actor.name
            t.handledAt = ctx.now
            t.version += 1
            try await t.update(on: db)
            try await AuditLog.append(on: db, at: ctx.now, actor: actor, action: "update", entityType: TriageItem.entityType,
                                      entityID: triageID.uuidString, before: before, after: t.response(ResponseContext(now: ctx.now)))
            return r.id!
        }
        return try await ServiceRequestService.detail(id, on: app.db, now: ctx.now, clocks: clocks)
    }

    static func discard(_ app: Application, actor: Actor, triageID: UUID, expectedVersion: Int?) async throws -> TriageResponse {
        let now = app.deps.now()
        return try await Writes.update(app, actor: actor, TriageItem.self, id: triageID, expectedVersion: expectedVersion) { t, _ in
            guard t.status == .pending else { throw AppError.conflict(code: "triage_handled", message: "this mail was already \(t.status.rawValue)") }
            t.status = .discarded
            t.handledBy = actor.name
            t.handledAt = now
        }
    }
}
