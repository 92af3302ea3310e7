import Fluent
import Foundation
import LvyueCore
import Vapor

/// A service request as lists show it: the 模板4 fields and its nearest deadline.
struct ServiceRequestResponse: Content, HasVersion, Equatable {
    var id: UUID
    var number: String
    var customerId: UUID
    var contractId: UUID?
    var planId: UUID?
    var inspectionId: UUID?
    var channel: ServiceChannel
    var type: RequestType
    var urgency: Urgency
    var remoteSolvable: Bool
    var paidService: Bool
    var title: String
    var description: String
    var contactName: String?
    var contactEmail: String?
    var contactPhone: String?
    var receivedAt: Date
    var status: RequestStatus
    var waiting: Bool
    var reopenCount: Int
    var engineerId: UUID?
    var engineerName: String?
    var departmentId: UUID?
    var confirmedAt: Date?
    var confirmedBy: String?
    var rejectedAt: Date?
    var rejectedBy: String?
    var rejectReason: String?
    var respondedAt: Date?
    var respondedBy: String?
    var remoteAt: Date?
    var remoteBy: String?
    var dispatchedAt: Date?
    var dispatchedBy: String?
    var onsiteAt: Date?
    var onsiteBy: String?
    var resolvedAt: Date?
    var resolvedBy: String?
    var solution: String?
    var signedBy: String?
    var signedAt: Date?
    var closedAt: Date?
    var closedBy: String?
    var calendarId: String
    var nextDueAt: Date?
    var breached: Bool
    var version: Int
}

extension ServiceRequest: AuditedModel {
    static let entityType = "service_request"
    func response(_ ctx: ResponseContext) -> ServiceRequestResponse {
        ServiceRequestResponse(
            id: id!, number: number, customerId: customerID, contractId: contractID, planId: planID, inspectionId: inspectionID,
            channel: channel, type: type, urgency: urgency, remoteSolvable: remoteSolvable, paidService: paidService, title: title,
            description: summary, contactName: contactName, contactEmail: contactEmail, contactPhone: contactPhone, receivedAt: receivedAt,
            status: status, waiting: waiting, reopenCount: reopenCount, engineerId: engineerID, engineerName: engineerName,
            departmentId: departmentID, confirmedAt: confirmedAt, confirmedBy: confirmedBy, rejectedAt: rejectedAt, rejectedBy: rejectedBy,
            rejectReason: rejectReason, respondedAt: respondedAt, respondedBy: respondedBy, remoteAt: remoteAt, remoteBy: remoteBy,
            dispatchedAt: dispatchedAt, dispatchedBy: dispatchedBy, onsiteAt: onsiteAt, onsiteBy: onsiteBy, resolvedAt: resolvedAt,
            resolvedBy: resolvedBy, solution: solution, signedBy: signedBy, signedAt: signedAt, closedAt: closedAt, closedBy: closedBy,
            calendarId: calendarID, nextDueAt: nextDueAt, breached: breached, version: version)
    }
}

struct RequestEventResponse: Content {
    var id: UUID
    var type: String
    var at: Date
    var actorName: String
    var note: String?
    var recordedAt: Date
    /// `note` as a locale key and parameters when the system wrote it.
    var messageKey: String?
    var messageParams: [String: String]?

    init(_ e: ServiceRequestEvent) {
        id = e.id!
        type = e.type
        at = e.at
        actorName = e.actorName
        note = e.note
        recordedAt = e.recordedAt
        messageKey = e.messageKey
        messageParams = e.messageKey == nil ? nil : MessageText.decodeParams(e.messageParams)
    }
}

struct ServiceChecklistItemResponse: Content, HasVersion {
    var id: UUID
    var requestId: UUID
    var position: Int
    var text: String
    var mandatory: Bool
    var done: Bool
    var doneAt: Date?
    var doneBy: String?
    var note: String?
    var version: Int
}

extension ChecklistItem: AuditedModel {
    static let entityType = "service_checklist_item"
    func response(_ ctx: ResponseContext) -> ServiceChecklistItemResponse {
        ServiceChecklistItemResponse(id: id!, requestId: requestID, position: position, text: text, mandatory: mandatory, done: done,
                              doneAt: doneAt, doneBy: doneBy, note: note, version: version)
    }
}

struct RatingResponse: Content {
    var speed: Int
    var solving: Int
    var attitude: Int
    var professionalism: Int
    var average: Double
    var comment: String?
    var source: String
    var ratedAt: Date

    init(_ r: ServiceRating) {
        speed = r.speed
        solving = r.solving
        attitude = r.attitude
        professionalism = r.professionalism
        average = Double(r.speed + r.solving + r.attitude + r.professionalism) / 4
        comment = r.comment
        source = r.source
        ratedAt = r.ratedAt
    }
}

/// One request with everything its page shows: the form, its clocks, checklist, history and rating.
struct ServiceRequestDetail: Content {
    var request: ServiceRequestResponse
    var clocks: [ClockView]
    var checklist: [ServiceChecklistItemResponse]
    var toolkit: [ToolkitItem]
    var events: [RequestEventResponse]
    var rating: RatingResponse?
    var followUps: [FollowUpResponse]
    var objections: [ObjectionResponse]

    /// The flat JSON: the request's fields at the top level, plus `clocks`, `checklist`, `toolkit`, `events`, `rating`,
    /// `follow_ups`, `objections`.
    func encode(to encoder: any Encoder) throws {
        try request.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(clocks, forKey: .clocks)
        try c.encode(checklist, forKey: .checklist)
        try c.encode(toolkit, forKey: .toolkit)
        try c.encode(events, forKey: .events)
        try c.encodeIfPresent(rating, forKey: .rating)
        try c.encode(followUps, forKey: .followUps)
        try c.encode(objections, forKey: .objections)
    }

    init(request: ServiceRequestResponse, clocks: [ClockView], checklist: [ServiceChecklistItemResponse], toolkit: [ToolkitItem],
         events: [RequestEventResponse], rating: RatingResponse?, followUps: [FollowUpResponse], objections: [ObjectionResponse]) {
        self.request = request
        self.clocks = clocks
        self.checklist = checklist
        self.toolkit = toolkit
        self.events = events
        self.rating = rating
        self.followUps = followUps
        self.objections = objections
    }

    init(from decoder: any Decoder) throws {
        request = try ServiceRequestResponse(from: decoder)
        let c = try decoder.container(keyedBy: Keys.self)
        clocks = try c.decode([ClockView].self, forKey: .clocks)
        checklist = try c.decode([ServiceChecklistItemResponse].self, forKey: .checklist)
        toolkit = try c.decode([ToolkitItem].self, forKey: .toolkit)
        events = try c.decode([RequestEventResponse].self, forKey: .events)
        rating = try c.decodeIfPresent(RatingResponse.self, forKey: .rating)
        followUps = try c.decode([FollowUpResponse].self, forKey: .followUps)
        objections = try c.decode([ObjectionResponse].self, forKey: .objections)
    }

    enum Keys: String, CodingKey { case clocks, checklist, toolkit, events, rating, followUps, objections }
}

/// `POST /service-requests` (and the portal, and email intake).
struct ServiceRequestCreateInput: Decodable, Sendable {
    var customerId: UUID?
    var contractId: UUID?
    var channel: String?
    var type: String?
    var urgency: String?
    var remoteSolvable: Bool?
    var title: String?
    var description: String?
    var contactName: String?
    var contactEmail: String?
    var contactPhone: String?
    var receivedAt: Date?
    var engineerId: UUID?
    var departmentId: UUID?
}

struct RatingInput: Decodable, Sendable {
    var speed: Int?
    var solving: Int?
    var attitude: Int?
    var professionalism: Int?
    var comment: String?
}

/// `POST /service-requests/{id}/events`.
struct RequestEventInput: Decodable, Sendable {
    var type: String?
    var at: Date?
    var note: String?
    /// reject
    var reason: String?
    /// resolve
    var solution: String?
    /// sign_off
    var signerName: String?
    var rating: RatingInput?
    /// dispatch / assign
    var engineerId: UUID?
    var departmentId: UUID?
}

enum RequestEventType: String, CaseIterable, Sendable {
    case confirm, reject, respond
    case remoteStart = "remote_start"
    case dispatch, arrive, resolve
    case signOff = "sign_off"
    case close, pause, resume, reopen, assign, note
}
