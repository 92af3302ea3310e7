import Fluent
import Foundation
import LvyueCore

/// What a service plan covers besides fault response.
enum ServiceChannel: String, Codable, CaseIterable, Sendable {
    case phone, portal, email
    case onSite = "on_site"
}

/// The service plan of a delivered contract (issue #6): warranty period, coverage calendar, included services,
/// contact, channels and the SLA policy (overrides of the standard clocks), from which the 后期服务启动通知 is printed.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class ServicePlan: Model, @unchecked Sendable {
    static let schema = "service_plans"

    @ID(key: .id) var id: UUID?
    @Field(key: "contract_id") var contractID: UUID
    @Field(key: "customer_id") var customerID: UUID
    /// Warranty start and end, inclusive, YYYY-MM-DD.
    @Field(key: "warranty_start") var warrantyStart: String
    @Field(key: "warranty_end") var warrantyEnd: String
    /// Coverage calendar: `7x24` or a working calendar (`cn-workday`, a stored custom one).
    @Field(key: "calendar_id") var calendarID: String
    @Field(key: "fault_response") var faultResponse: Bool
    /// Inspection period in months (3 = quarterly); 0 = no periodic inspections.
    @Field(key: "inspection_months") var inspectionMonths: Int
    @Field(key: "upgrades") var upgrades: Bool
    @Field(key: "training") var training: Bool
    @Field(key: "contact_name") var contactName: String
    @OptionalField(key: "contact_phone") var contactPhone: String?
    @OptionalField(key: "contact_email") var contactEmail: String?
    /// JSON array of `ServiceChannel` values.
    @Field(key: "channels") var channelsJSON: String
    /// JSON `ClockPolicy`: per-plan overrides of the standard clocks.
    @Field(key: "clock_policy") var clockPolicyJSON: String
    @OptionalField(key: "notes") var notes: String?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var channels: [ServiceChannel] {
        get { ((try? JSONDecoder().decode([String].self, from: Data(channelsJSON.utf8))) ?? []).compactMap(ServiceChannel.init(rawValue:)) }
        set { channelsJSON = JSONText.encode(newValue.map(\.rawValue)) }
    }

    var clockPolicy: ClockPolicy {
        get { ClockPolicy.decoded.value(clockPolicyJSON) }
        set { clockPolicyJSON = JSONText.encode(newValue) }
    }

    func covers(_ day: LocalDate) -> Bool { Self.covers(day, from: warrantyStart, to: warrantyEnd) }

    /// The warranty from `start` to `end` (ISO dates, both included) covers `day`.
    static func covers(_ day: LocalDate, from start: String, to end: String) -> Bool {
        guard let s = LocalDate(iso: start), let e = LocalDate(iso: end) else { return false }
        return s <= day && day <= e
    }

    /// What a new request takes from its plan.
    struct Terms: Sendable {
        var id: UUID
        var contractID: UUID
        var warrantyStart: String
        var warrantyEnd: String
        var calendarID: String
        var clockPolicyJSON: String

        func covers(_ day: LocalDate) -> Bool { ServicePlan.covers(day, from: warrantyStart, to: warrantyEnd) }
    }
}

/// A record that the start notice was sent: to whom, how, when, by whom.
final class ServiceNotice: Model, @unchecked Sendable {
    static let schema = "service_notices"

    @ID(key: .id) var id: UUID?
    @Field(key: "plan_id") var planID: UUID
    @Field(key: "sent_to") var sentTo: String
    @Field(key: "channel") var channel: String
    @Field(key: "sent_at") var sentAt: Date
    @Field(key: "sent_by") var sentBy: String

    init() {}
}

extension ClockPolicy {
    /// The few policies stored on plans and requests, decoded once each (an unreadable one reads as the standard's).
    static let decoded = DecodedTexts<ClockPolicy>(fallback: ClockPolicy())
}

enum JSONText {
    static func encode<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: (try? e.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
