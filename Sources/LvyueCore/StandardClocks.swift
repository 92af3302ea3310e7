import Foundation

/// Per-plan or per-contract overrides of the standard clocks, by clock name. Stored as JSON:
/// `{"targets": {"urgent.respond": {"unit": "working_minutes", "value": 90}},
///   "calendars": {"urgent.respond": "7x24"}, "warning_ratios": {"normal.solve": 0.5}}`.
public struct ClockPolicy: Codable, Hashable, Sendable {
    public var targets: [String: ClockTarget]
    public var calendars: [String: String]
    public var warningRatios: [String: Double]

    public init(targets: [String: ClockTarget] = [:], calendars: [String: String] = [:], warningRatios: [String: Double] = [:]) {
        self.targets = targets
        self.calendars = calendars
        self.warningRatios = warningRatios
    }

    enum CodingKeys: String, CodingKey {
        case targets, calendars
        case warningRatios = "warning_ratios"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            targets: try c.decodeIfPresent([String: ClockTarget].self, forKey: .targets) ?? [:],
            calendars: try c.decodeIfPresent([String: String].self, forKey: .calendars) ?? [:],
            warningRatios: try c.decodeIfPresent([String: Double].self, forKey: .warningRatios) ?? [:])
    }
}

/// The clocks of the standard (DESIGN.md §3) with their default targets and calendars. A nil
/// calendar means "the service plan's calendar" (7x24 for 7×24 plans), which the app resolves.
public enum StandardClocks {
    public static let escalationRaise = ClockDefinition(
        name: "escalation.raise", startEvent: "problem.detected", stopEvent: "escalation.raised",
        target: .workingMinutes(24 * 60), calendarId: "7x24")
    /// The coordination meeting usually sets its own deadline; 2 days is the default.
    public static let escalationResolve = ClockDefinition(
        name: "escalation.resolve", startEvent: "escalation.raised", stopEvent: "escalation.resolved",
        target: .workingMinutes(2 * 24 * 60), calendarId: "7x24")
    public static let serviceConfirm = ClockDefinition(
        name: "service.confirm", startEvent: "request.received", stopEvent: "request.confirmed",
        pauseStates: ["waiting_customer"], target: .workingMinutes(60), calendarId: nil)
    public static let urgentRespond = ClockDefinition(
        name: "urgent.respond", startEvent: "request.received", stopEvent: "request.responded",
        pauseStates: ["waiting_customer"], target: .workingMinutes(120), calendarId: nil)
    public static let urgentRemote = ClockDefinition(
        name: "urgent.remote", startEvent: "request.received", stopEvent: "request.remote_started",
        pauseStates: ["waiting_customer"], target: .workingMinutes(30), calendarId: nil)
    public static let urgentOnsite = ClockDefinition(
        name: "urgent.onsite", startEvent: "request.received", stopEvent: "request.onsite",
        pauseStates: ["waiting_customer"], target: .workingMinutes(240), calendarId: nil)
    public static let normalRespond = ClockDefinition(
        name: "normal.respond", startEvent: "request.received", stopEvent: "request.responded",
        pauseStates: ["waiting_customer"], target: .workingMinutes(240), calendarId: "cn-workday")
    /// "24 h" read as one working day: same time on the next working day.
    public static let normalSolve = ClockDefinition(
        name: "normal.solve", startEvent: "request.received", stopEvent: "request.solved",
        pauseStates: ["waiting_customer"], target: .workingDays(1), calendarId: "cn-workday")
    /// Due 3 working days before the planned visit (the anchor); runs from when the visit is planned.
    public static let inspectionConfirm = ClockDefinition(
        name: "inspection.confirm", startEvent: "inspection.planned", stopEvent: "inspection.date_confirmed",
        target: .workingDaysBeforeAnchor(3), calendarId: "cn-workday")
    public static let serviceFollowUp = ClockDefinition(
        name: "service.follow_up", startEvent: "service.completed", stopEvent: "follow_up.made",
        target: .workingMinutes(24 * 60), calendarId: "7x24")
    public static let objectionResolve = ClockDefinition(
        name: "objection.resolve", startEvent: "objection.raised", stopEvent: "objection.resolved",
        pauseStates: ["waiting_customer"], target: .workingMinutes(48 * 60), calendarId: "7x24")
    /// Due at the milestone's planned date (the anchor); calendar days, so every day counts.
    public static let milestoneDue = ClockDefinition(
        name: "milestone.due", startEvent: "milestone.planned", stopEvent: "milestone.done",
        target: .calendarDaysBeforeAnchor(0), calendarId: nil)
    /// Weekly by default; a fortnightly cadence is a policy override to 14.
    public static let progressUpdate = ClockDefinition(
        name: "progress.update", startEvent: "progress.updated", stopEvent: "progress.updated",
        target: .calendarDays(7), calendarId: nil)

    /// All standard clocks, in the order of DESIGN.md §3.
    public static let all: [ClockDefinition] = [
        escalationRaise, escalationResolve, serviceConfirm, urgentRespond, urgentRemote, urgentOnsite,
        normalRespond, normalSolve, inspectionConfirm, serviceFollowUp, objectionResolve, milestoneDue,
        progressUpdate,
    ]

    /// The standard clocks with a policy's overrides applied.
    public static func definitions(policy: ClockPolicy = ClockPolicy()) -> [ClockDefinition] {
        all.map { apply(policy, to: $0) }
    }

    /// One standard clock by name, with overrides; nil for an unknown name.
    public static func definition(named name: String, policy: ClockPolicy = ClockPolicy()) -> ClockDefinition? {
        all.first { $0.name == name }.map { apply(policy, to: $0) }
    }

    static func apply(_ policy: ClockPolicy, to d: ClockDefinition) -> ClockDefinition {
        var d = d
        if let t = policy.targets[d.name] { d.target = t }
        if let c = policy.calendars[d.name] { d.calendarId = c }
        if let r = policy.warningRatios[d.name] { d.warningRatio = r }
        return d
    }
}
