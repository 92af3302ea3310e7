import Vapor

/// What a permission is about. One case per route group.
enum Resource: String, CaseIterable, Sendable {
    case department, user, customer, contract, clause, responsibility, milestone, payment, audit, calendar
    // Fulfilment monitoring (issue #4)
    case risk, qualityResult, alert, escalation, notificationChannel
}

enum Action: String, CaseIterable, Sendable {
    case read, create, update, delete, approve
}

/// The permission matrix, in one place: role × action × resource. Every API route and web page asks here.
/// (Scoping by department and contract team builds on this table.)
enum Permissions {
    static func allows(_ role: Role, _ action: Action, _ resource: Resource) -> Bool {
        if let monitoring = monitoringRule(role, action, resource) { return monitoring }
        switch role {
        case .administrator:
            return true
        case .customerContact:
            return false  // customers use the portal, never the staff API
        case .viewer, .engineer, .serviceDesk, .technical:
            if action == .read { return resource != .audit }
            switch (role, resource) {
            case (.technical, .responsibility), (.technical, .milestone): return action == .update
            case (.serviceDesk, .customer): return action == .create || action == .update
            default: return false
            }
        case .manager:
            if [.department, .user].contains(resource) { return action == .read }
            return action != .delete || [.clause, .responsibility, .milestone, .payment].contains(resource)
        case .legal:
            if action == .read { return true }
            return [.contract, .clause, .responsibility, .customer].contains(resource)
        case .project:
            if action == .read { return true }
            switch resource {
            case .milestone: return true
            case .responsibility, .contract: return action == .update
            default: return false
            }
        case .finance:
            if action == .read { return true }
            return resource == .payment
        }
    }

    /// Issue #4: risks, quality results, alerts, escalations, channels. Any staff role reads them; the
    /// departments that run fulfilment write them; channels and the escalation chain are configured by managers.
    static func monitoringRule(_ role: Role, _ action: Action, _ resource: Resource) -> Bool? {
        switch resource {
        case .risk, .qualityResult, .alert, .escalation, .notificationChannel: break
        default: return nil
        }
        switch role {
        case .administrator: return true
        case .customerContact: return false
        default: break
        }
        if action == .read { return true }
        switch resource {
        case .notificationChannel: return role == .manager && action != .delete
        case .risk: return [.manager, .project, .legal].contains(role) && (action != .delete || role == .manager)
        case .qualityResult: return [.manager, .project, .technical].contains(role) && action != .delete
        case .alert: return [.manager, .project, .technical, .finance, .legal].contains(role) && action == .update
        case .escalation:
            // Every responsible department files 模板3 within 24 h; the project side runs it to closure.
            if action == .create { return role != .viewer }
            return [.manager, .project, .technical].contains(role) && action == .update
        default: return nil
        }
    }

    static func require(_ req: Request, _ action: Action, _ resource: Resource) throws {
        let user = try req.user
        guard allows(user.role, action, resource) else {
            throw AppError.forbidden("role \(user.role.rawValue) may not \(action.rawValue) \(resource.rawValue)")
        }
    }
}
