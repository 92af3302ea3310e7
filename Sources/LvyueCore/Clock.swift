import Foundation

/// How long a clock may run.
public enum ClockTarget: Hashable, Sendable, CustomStringConvertible {
    /// Working minutes on the clock's calendar (on 7×24 that is wall-clock time).
    case workingMinutes(Int)
    /// Working days: due at the same local time on the n-th next working day, counted from the
    /// first working moment at or after the start ("24 h read as 1 working day").
    case workingDays(Int)
    /// Calendar days: due at the same local time n days later; every instant counts.
    case calendarDays(Int)
    /// Due n working days before an anchor instant (the planned visit of inspection.confirm),
    /// at the anchor's local time. Needs `anchor` in `ClockEngine.evaluate`.
    case workingDaysBeforeAnchor(Int)
    /// Due n calendar days before an anchor (milestone.due: 0 = at the planned date itself).
    case calendarDaysBeforeAnchor(Int)

    public var unit: String {
        switch self {
        case .workingMinutes: return "working_minutes"
        case .workingDays: return "working_days"
        case .calendarDays: return "calendar_days"
        case .workingDaysBeforeAnchor: return "working_days_before_anchor"
        case .calendarDaysBeforeAnchor: return "calendar_days_before_anchor"
        }
    }

    public var value: Int {
        switch self {
        case let .workingMinutes(v), let .workingDays(v), let .calendarDays(v),
             let .workingDaysBeforeAnchor(v), let .calendarDaysBeforeAnchor(v):
            return v
        }
    }

    public init(unit: String, value: Int) throws {
        switch unit {
        case "working_minutes": self = .workingMinutes(value)
        case "working_days": self = .workingDays(value)
        case "calendar_days": self = .calendarDays(value)
        case "working_days_before_anchor": self = .workingDaysBeforeAnchor(value)
        case "calendar_days_before_anchor": self = .calendarDaysBeforeAnchor(value)
        default: throw CalendarError.invalid(field: "target.unit", reason: "unknown unit \"\(unit)\"")
        }
        guard value >= 0 else { throw CalendarError.invalid(field: "target.value", reason: "must not be negative") }
    }

    public var needsAnchor: Bool {
        switch self {
        case .workingDaysBeforeAnchor, .calendarDaysBeforeAnchor: return true
        default: return false
        }
    }

    public var description: String { "\(value) \(unit)" }
}

/// JSON form: `{"unit": "working_minutes", "value": 120}`.
extension ClockTarget: Codable {
    private enum Keys: String, CodingKey { case unit, value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let unit = try c.decode(String.self, forKey: .unit)
        let value = try c.decode(Int.self, forKey: .value)
        do {
            try self.init(unit: unit, value: value)
        } catch let error as CalendarError {
            throw DecodingError.dataCorruptedError(forKey: .unit, in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(unit, forKey: .unit)
        try c.encode(value, forKey: .value)
    }
}

/// A timed rule of the standard (DESIGN.md §3).
public struct ClockDefinition: Codable, Hashable, Sendable {
    /// E.g. "urgent.respond".
    public var name: String
    /// Domain event kinds that start and stop it, and the states that pause it (informational for
    /// the app, which turns its event history into `ClockInput`s).
    public var startEvent: String
    public var stopEvent: String
    public var pauseStates: [String]
    public var target: ClockTarget
    /// The calendar to use; nil = the service plan's calendar, chosen by the app.
    public var calendarId: String?
    /// Fraction of the target after which a warning is raised.
    public var warningRatio: Double

    public init(
        name: String, startEvent: String, stopEvent: String, pauseStates: [String] = [],
        target: ClockTarget, calendarId: String?, warningRatio: Double = 0.75
    ) {
        self.name = name
        self.startEvent = startEvent
        self.stopEvent = stopEvent
        self.pauseStates = pauseStates
        self.target = target
        self.calendarId = calendarId
        self.warningRatio = warningRatio
    }

    enum CodingKeys: String, CodingKey {
        case name, target
        case startEvent = "start_event"
        case stopEvent = "stop_event"
        case pauseStates = "pause_states"
        case calendarId = "calendar_id"
        case warningRatio = "warning_ratio"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            startEvent: try c.decode(String.self, forKey: .startEvent),
            stopEvent: try c.decode(String.self, forKey: .stopEvent),
            pauseStates: try c.decodeIfPresent([String].self, forKey: .pauseStates) ?? [],
            target: try c.decode(ClockTarget.self, forKey: .target),
            calendarId: try c.decodeIfPresent(String.self, forKey: .calendarId),
            warningRatio: try c.decodeIfPresent(Double.self, forKey: .warningRatio) ?? 0.75)
    }
}

/// One fact from an item's history, as the engine sees it.
public struct ClockInput: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case start, stop, pause, resume
    }

    public var kind: Kind
    public var at: Date

    public init(_ kind: Kind, at: Date) {
        self.kind = kind
        self.at = at
    }
}

public enum ClockState: String, Codable, Sendable {
    case pending, running, paused, met, breached
}

/// An entry of a clock's readable log.
public struct ClockEvent: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// `stopped` follows a breach (a clock stopped in time logs `met` instead).
        case started, paused, resumed, warning, breached, met, stopped
    }

    public var kind: Kind
    public var at: Date
    public var calendarId: String

    public init(kind: Kind, at: Date, calendarId: String) {
        self.kind = kind
        self.at = at
        self.calendarId = calendarId
    }

    enum CodingKeys: String, CodingKey {
        case kind, at
        case calendarId = "calendar_id"
    }
}

/// What a clock looks like at `now`.
public struct ClockStatus: Codable, Hashable, Sendable {
    public var name: String
    public var state: ClockState
    public var calendarId: String
    public var startedAt: Date?
    /// When the target is (or was) reached. While paused it is projected as if resumed at `now`.
    public var dueAt: Date?
    public var stoppedAt: Date?
    public var warningAt: Date?
    /// The working-time budget the target amounts to for this start.
    public var targetWorkingSeconds: Int
    public var elapsedWorkingSeconds: Int
    /// Negative when overdue.
    public var remainingWorkingSeconds: Int
    public var log: [ClockEvent]

    enum CodingKeys: String, CodingKey {
        case name, state, log
        case calendarId = "calendar_id"
        case startedAt = "started_at"
        case dueAt = "due_at"
        case stoppedAt = "stopped_at"
        case warningAt = "warning_at"
        case targetWorkingSeconds = "target_working_seconds"
        case elapsedWorkingSeconds = "elapsed_working_seconds"
        case remainingWorkingSeconds = "remaining_working_seconds"
    }
}
