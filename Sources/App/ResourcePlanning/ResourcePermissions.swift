/// Issue #10: every staff role reads resource plans, load, reviews; project and department heads (project, manager)
/// edit the plans of their contracts (`ContractScope` limits project staff to their own); finance approves funds;
/// managers keep headcount and absences; everyone keeps their own calendar feeds.
enum ResourcePermissions {
    static func rule(_ role: Role, _ action: Action, _ resource: Resource) -> Bool? {
        switch resource {
        case .resourcePlan, .resourceCapacity, .riskReview, .calendarFeed: break
        default: return nil
        }
        switch role {
        case .administrator: return true
        case .customerContact: return false
        default: break
        }
        if action == .read { return true }
        switch resource {
        case .resourcePlan:
            if action == .approve { return role == .finance }
            return [.manager, .project].contains(role)
        case .resourceCapacity:
            return role == .manager && action != .approve
        case .riskReview:
            return [.manager, .project, .legal].contains(role) && action != .approve && (action != .delete || role == .manager)
        case .calendarFeed:
            return [.create, .delete].contains(action)  // one's own feeds; department feeds need a member or a manager
        default: return nil
        }
    }
}
