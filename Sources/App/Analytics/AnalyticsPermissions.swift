import Vapor

/// Issue #7: every staff role reads the quarterly report and the improvement actions. Managers freeze reports
/// (create), refreeze them (update) and unfreeze them (delete), and create and delete improvement actions; the owner
/// department updates its actions — the role may update, `ImprovementActionService` checks the department.
enum AnalyticsPermissions {
    static func rule(_ role: Role, _ action: Action, _ resource: Resource) -> Bool? {
        switch resource {
        case .report, .improvementAction: break
        default: return nil
        }
        switch role {
        case .administrator: return true
        case .customerContact: return false
        case .manager: return action != .approve
        default: break
        }
        if action == .read { return true }
        return resource == .improvementAction && action == .update && role != .viewer
    }

    /// Managers and administrators update any action; others only their own department's.
    static func mayUpdate(_ user: User, action: ImprovementAction) -> Bool {
        if [.administrator, .manager].contains(user.role) { return true }
        guard Permissions.allows(user.role, .update, .improvementAction) else { return false }
        return user.$department.id == action.ownerDepartmentID
    }
}
