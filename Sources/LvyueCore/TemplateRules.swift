import Foundation

/// The approval states of a template version (issue #7): draft → approved → effective → retired. A version is
/// approved with an effective date; it becomes effective when that date arrives, and the version it supersedes is
/// retired the same day.
public enum TemplateVersionState: String, Codable, CaseIterable, Sendable {
    case draft, approved, effective, retired

    /// Non-draft versions are on the template's timeline: they were (or will be) effective over a span of dates.
    public var isScheduled: Bool { self != .draft }
}

/// What the rules need to know about one version.
public struct TemplateVersionFacts: Hashable, Sendable {
    public var number: Int
    public var state: TemplateVersionState
    /// nil: effective "from the start" (the built-in content seeded as version 1).
    public var effectiveOn: LocalDate?
    /// The day the version was written (its content's age).
    public var createdOn: LocalDate

    public init(number: Int, state: TemplateVersionState, effectiveOn: LocalDate?, createdOn: LocalDate) {
        self.number = number
        self.state = state
        self.effectiveOn = effectiveOn
        self.createdOn = createdOn
    }
}

/// Why a transition is refused. `conflict` cases are 409 (the version's state does not allow it), `invalid` 422.
public enum TemplateRuleError: Error, Equatable, Sendable {
    case notDraft(number: Int, state: TemplateVersionState)
    case effectiveDateRequired
    case effectiveDateInPast(LocalDate, today: LocalDate)
    case effectiveDateTaken(LocalDate, byVersion: Int)

    public var isConflict: Bool {
        switch self {
        case .notDraft, .effectiveDateTaken: return true
        case .effectiveDateRequired, .effectiveDateInPast: return false
        }
    }

    public var message: String {
        switch self {
        case let .notDraft(n, s): return "version \(n) is \(s.rawValue); only a draft can be changed or approved"
        case .effectiveDateRequired: return "an effective date is required to approve a version"
        case let .effectiveDateInPast(d, today): return "effective date \(d) is before today (\(today)); versions cannot take effect retroactively"
        case let .effectiveDateTaken(d, n): return "version \(n) already takes effect on \(d); one version per effective date"
        }
    }
}

/// Effective-version selection and the version state machine, without a database.
public enum TemplateRules {
    /// The version in force on `date`: among approved, effective and retired versions, the one with the latest
    /// effective date not after `date` (a nil date counts as before every date). Exactly one per date once the
    /// template's first version is in force; nil before that. Drafts never count.
    public static func effective(on date: LocalDate, among versions: [TemplateVersionFacts]) -> TemplateVersionFacts? {
        var best: TemplateVersionFacts?
        for v in versions where v.state.isScheduled {
            if let on = v.effectiveOn, on > date { continue }
            guard let b = best else { best = v; continue }
            if order(v, after: b) { best = v }
        }
        return best
    }

    /// Timeline order: by effective date (nil first), then by number.
    static func order(_ a: TemplateVersionFacts, after b: TemplateVersionFacts) -> Bool {
        switch (a.effectiveOn, b.effectiveOn) {
        case (nil, nil): return a.number > b.number
        case (nil, _): return false
        case (_, nil): return true
        case let (x?, y?): return x == y ? a.number > b.number : x > y
        }
    }

    /// The state every scheduled version should be in on `today`: the one in force is effective, later ones are
    /// approved (waiting for their date), earlier ones retired. Drafts are left out. Applying this is "activation".
    public static func reconcile(_ versions: [TemplateVersionFacts], today: LocalDate) -> [Int: TemplateVersionState] {
        let current = effective(on: today, among: versions)
        var states: [Int: TemplateVersionState] = [:]
        for v in versions where v.state.isScheduled {
            if v.number == current?.number {
                states[v.number] = .effective
            } else if let on = v.effectiveOn, on > today {
                states[v.number] = .approved
            } else {
                states[v.number] = .retired
            }
        }
        return states
    }

    /// Checks that draft `number` may be approved to take effect on `effectiveOn`: it must be a draft, the date must
    /// be today or later (the past stays as it was reviewed), and no other scheduled version may take effect the
    /// same day (so exactly one version is in force on any date).
    public static func checkApproval(number: Int, effectiveOn: LocalDate?, today: LocalDate,
                                     versions: [TemplateVersionFacts]) throws(TemplateRuleError) {
        guard let v = versions.first(where: { $0.number == number }) else { return }
        guard v.state == .draft else { throw .notDraft(number: number, state: v.state) }
        guard let effectiveOn else { throw .effectiveDateRequired }
        guard effectiveOn >= today else { throw .effectiveDateInPast(effectiveOn, today: today) }
        if let other = versions.first(where: { $0.number != number && $0.state.isScheduled && $0.effectiveOn == effectiveOn }) {
            throw .effectiveDateTaken(effectiveOn, byVersion: other.number)
        }
    }

    /// Only drafts are edited or discarded; an approved version is a record of what was reviewed.
    public static func checkEditable(_ v: TemplateVersionFacts) throws(TemplateRuleError) {
        guard v.state == .draft else { throw .notDraft(number: v.number, state: v.state) }
    }

    /// The yearly revision (标准每年修订): a template is due when the version in force was written more than a year
    /// ago, or took effect more than twelve months ago.
    public static func isDueForRevision(_ inForce: TemplateVersionFacts, today: LocalDate) -> Bool {
        if addingMonths(12, to: inForce.createdOn) < today { return true }
        if let on = inForce.effectiveOn, addingMonths(12, to: on) < today { return true }
        return false
    }

    /// Calendar months later, the day clamped to the month's length (2024-02-29 + 12 months = 2025-02-28).
    public static func addingMonths(_ months: Int, to date: LocalDate) -> LocalDate {
        let total = date.year * 12 + (date.month - 1) + months
        let year = total / 12, month = total % 12 + 1
        var day = date.day
        while day > 28, LocalDate(year: year, month: month, day: day) == nil { day -= 1 }
        return LocalDate(year: year, month: month, day: day)!
    }
}
