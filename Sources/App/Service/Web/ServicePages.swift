import Foundation
import LvyueCore
import Vapor

/// One row of the desk queue or the engineer's list.
struct RequestRow: Encodable, Sendable {
    var number: String
    var url: String
    var title: String
    var customer: String
    var status: String
    var statusClass: String
    var urgency: String
    var urgencyClass: String
    var type: String
    var engineer: String
    var received: String
    var due: String
    /// Time left to the nearest deadline (wall clock), or how long it is overdue.
    var left: String
    /// ok, warn (under an hour), late
    var leftClass: String
    var waiting: Bool
    var paid: Bool

    init(_ r: ServiceRequest, customer: String, now: Date, _ t: Strings) {
        number = r.number
        url = ServiceSitePaths.request.path(r.id!)
        title = r.title
        self.customer = customer
        status = t.label("svc_status", r.status)
        statusClass = r.status.rawValue
        urgency = t.label("svc_urgency", r.urgency)
        urgencyClass = r.urgency.rawValue
        type = t.label("svc_type", r.type)
        engineer = r.engineerName ?? "—"
        received = t.time(r.receivedAt)
        due = t.time(r.nextDueAt)
        if let d = r.nextDueAt {
            let minutes = Int((d.timeIntervalSince(now) / 60).rounded(.down))
            left = minutes >= 0 ? t.format("svc_left", ["t": Self.span(minutes, t)]) : t.format("svc_overdue_by", ["t": Self.span(-minutes, t)])
            leftClass = minutes < 0 ? "late" : minutes < 60 ? "warn" : "ok"
        } else {
            left = "—"
            leftClass = "none"
        }
        waiting = r.waiting
        paid = r.paidService
    }

    /// 90 → "1小时30分" / "1 h 30 min".
    static func span(_ minutes: Int, _ t: Strings) -> String {
        let d = minutes / 1440, h = (minutes % 1440) / 60, m = minutes % 60
        if d > 0 { return t.format("svc_span_dh", ["d": "\(d)", "h": "\(h)"]) }
        if h > 0 { return t.format("svc_span_hm", ["h": "\(h)", "m": "\(m)"]) }
        return t.format("svc_span_m", ["m": "\(m)"])
    }
}

struct DeskPage: Encodable, Sendable {
    var heading: String
    var isDesk: Bool
    var rows: [RequestRow]
    var list: ListView
    var triagePending: Int
    var canCreate: Bool
    var createURL: String
    var customerOptions: [OptionView]
    var channelOptions: [OptionView]
    var newTypeOptions: [OptionView]
    var newUrgencyOptions: [OptionView]
    var errors: [String]
}

struct FactView: Encodable, Sendable {
    var label: String
    var value: String
}

struct ClockRow: Encodable, Sendable {
    var name: String
    var code: String
    var state: String
    var stateClass: String
    var due: String
    var left: String
    var calendar: String
    var log: [FactView]
}

struct ChecklistRow: Encodable, Sendable {
    var position: Int
    var text: String
    var mandatory: Bool
    var done: Bool
    var doneBy: String
    var note: String
    var toggleURL: String
}

struct TimelineRow: Encodable, Sendable {
    var at: String
    var kind: String
    var actor: String
    var note: String
}

struct ObjectionRow: Encodable, Sendable {
    var raisedAt: String
    var description: String
    var status: String
    var due: String
    var resolution: String
    var feedback: String
    var open: Bool
    var resolveURL: String
}

struct RequestPage: Encodable, Sendable {
    var number: String
    var title: String
    var status: String
    var statusClass: String
    var urgency: String
    var urgencyClass: String
    var waiting: Bool
    var paid: Bool
    var facts: [FactView]
    var clocks: [ClockRow]
    var checklist: [ChecklistRow]
    var toolkit: [FactView]
    var timeline: [TimelineRow]
    var rating: [FactView]
    var ratingComment: String
    var followUps: [TimelineRow]
    var objections: [ObjectionRow]
    var canWork: Bool
    var eventURL: String
    var eventOptions: [OptionView]
    var engineerOptions: [OptionView]
    var version: Int
    var ratingLinkURL: String
    var ratingLink: String
    var followUpURL: String
    var objectionURL: String
    var outcomeOptions: [OptionView]
    var canRate: Bool
    var canFollowUp: Bool
    var errors: [String]
    var files: AttachmentSection  // issue #5
    /// One-tap next steps (`QuickSteps`).
    var quickSteps: [OptionView] = []
}

struct InspectionRow: Encodable, Sendable {
    var sequence: Int
    var plannedOn: String
    var confirmDue: String
    var confirmedAt: String
    var status: String
    var statusClass: String
    var requestURL: String
    var canConfirm: Bool
    var confirmURL: String
}

struct PlanPage: Encodable, Sendable {
    var contractNumber: String
    var contractURL: String
    var customer: String
    var facts: [FactView]
    var clocks: [FactView]
    var inspections: [InspectionRow]
    var notices: [FactView]
    var noticeURL: String
    var noticeSentURL: String
    var canEdit: Bool
}

struct PlanRow: Encodable, Sendable {
    var contract: String
    var customer: String
    var warranty: String
    var calendar: String
    var url: String
    var active: Bool
}

struct PlansPage: Encodable, Sendable {
    var list: ListView
    var rows: [PlanRow]
    var candidates: [OptionView]
    var canCreate: Bool
}

struct TriageRow: Encodable, Sendable {
    var from: String
    var subject: String
    var body: String
    var received: String
    var createURL: String
    var discardURL: String
}

struct TriagePage: Encodable, Sendable {
    var rows: [TriageRow]
    var customerOptions: [OptionView]
    var typeOptions: [OptionView]
    var urgencyOptions: [OptionView]
}

/// The printable start notice: plain strings, the page has its own print layout.
struct NoticeContext: Encodable, Sendable {
    var lang: String
    var t: [String: String]
    var customer: String
    var contractNumber: String
    var contractTitle: String
    var warrantyStart: String
    var warrantyEnd: String
    var coverage: String
    var services: [String]
    var targets: [String]
    var contactName: String
    var contactPhone: String
    var contactEmail: String
    var channels: String
    var issuedOn: String
}

struct RatePage: Encodable, Sendable {
    /// form, thanks, used, expired, unknown
    var state: String
    var number: String
    var title: String
    var dimensions: [FactView]
    var errors: [String]
    var postURL: String
}
