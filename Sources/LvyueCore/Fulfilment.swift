/// Progress and delay arithmetic of the Key Milestone Tracking Table (模板2).

public enum MilestoneStatus: String, Codable, CaseIterable, Sendable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case done
    case delayed
}

public enum Fulfilment {
    /// Calendar days a milestone is (or was) late: finished → actual − planned; open and past its date →
    /// today − planned; otherwise 0. Never negative: finishing early is not a negative delay.
    public static func delayDays(planned: LocalDate, actual: LocalDate?, today: LocalDate) -> Int {
        if let actual { return max(0, planned.days(to: actual)) }
        return max(0, planned.days(to: today))
    }

    /// not started (no progress, date not passed) / in progress / done (actual date recorded) / delayed
    /// (open past its planned date). A milestone finished late is `done`; its delay stays in `delayDays`.
    public static func status(planned: LocalDate, actual: LocalDate?, progress: Int, today: LocalDate) -> MilestoneStatus {
        if actual != nil { return .done }
        if today > planned { return .delayed }
        return progress > 0 ? .inProgress : .notStarted
    }

    /// Contract progress as the weight-weighted completion of its milestones, 0…100. Done milestones count
    /// 100 % whatever their last recorded percentage. No milestones, or zero total weight → 0.
    public static func weightedProgress(_ milestones: [(weight: Double, progress: Int, done: Bool)]) -> Double {
        let total = milestones.reduce(0) { $0 + max(0, $1.weight) }
        guard total > 0 else { return 0 }
        let achieved = milestones.reduce(0.0) { acc, m in
            acc + max(0, m.weight) * Double(m.done ? 100 : min(100, max(0, m.progress)))
        }
        return achieved / total
    }
}

public enum ContractStatus: String, Codable, CaseIterable, Sendable {
    case draft, active, delivered
    case inService = "in_service"
    case closed, terminated

    /// draft → active → delivered → in_service → closed; any open contract may be terminated.
    /// Staying in the same status is always allowed.
    public func canMove(to next: ContractStatus) -> Bool {
        if next == self { return true }
        switch (self, next) {
        case (.draft, .active), (.active, .delivered), (.delivered, .inService), (.inService, .closed): return true
        case (.closed, _), (.terminated, _): return false
        case (_, .terminated): return true
        default: return false
        }
    }
}
