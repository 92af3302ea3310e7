import Vapor

/// What a permission is about. One case per route group.
enum Resource: String, CaseIterable, Sendable {
    case department, user, customer, contract, clause, responsibility, milestone, payment, audit, calendar
    // Fulfilment monitoring (issue #4)
    case risk, qualityResult, alert, escalation, notificationChannel
    // Issue #5: a contract's team, files on milestones and escalations.
    case contractTeam, attachment
    // After-sales service (issue #6)
    case servicePlan, serviceRequest, workInstruction, serviceTriage
    // Issue #7: the template library.
    case template
    // Resource coordination and calendar feeds (issue #10)
    case resourcePlan, resourceCapacity, riskReview, calendarFeed
    // Quarterly report and improvement actions (issue #7)
    case report, improvementAction
    // Background jobs: exports, reports, imports with progress (issue #8)
    case job
}

enum Action: String, CaseIterable, Sendable {
    case read, create, update, delete, approve
}

/// The permission matrix, in one place: role × action × resource. Every API route and web page asks here.
/// On top of it, `ContractScope` limits the writes of department staff to the contracts whose team includes them
/// (issue #5), and `CustomerScope` limits customer contacts to their own customer's records.
/// The README's table is generated from this (`Permissions.markdownTable`, checked by `PermissionMatrixTests`).
enum Permissions {
    static func allows(_ role: Role, _ action: Action, _ resource: Resource) -> Bool {
        if let monitoring = monitoringRule(role, action, resource) { return monitoring }
        if let service = ServicePermissions.rule(role, action, resource) { return service }
        if let security = securityRule(role, action, resource) { return security }
        if let templates = TemplatePermissions.rule(role, action, resource) { return templates }
        if let resources = ResourcePermissions.rule(role, action, resource) { return resources }
        if let analytics = AnalyticsPermissions.rule(role, action, resource) { return analytics }
        if let jobs = JobPermissions.rule(role, action, resource) { return jobs }  // issue #8
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

    /// Issue #5: the contract team is managed by those who manage the contract; attachments are read by whoever reads
    /// the parent record and added by whoever works it (the parent's own rule is checked again by the attachment routes).
    static func securityRule(_ role: Role, _ action: Action, _ resource: Resource) -> Bool? {
        switch resource {
        case .contractTeam:
            switch role {
            case .administrator, .manager: return true
            case .customerContact: return false
            case .legal, .project: return action != .approve
            default: return action == .read
            }
        case .attachment:
            switch role {
            case .administrator: return true
            case .customerContact: return false  // the portal serves customers their own files
            case .viewer: return action == .read
            case .manager: return action != .approve
            default: return [.read, .create, .delete].contains(action)  // delete: one's own uploads only (AttachmentService)
            }
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

extension Permissions {
    /// The matrix as the README shows it: one row per resource, one column per role, letters for the actions
    /// (r read, c create, u update, d delete, a approve). Staff writes are further limited by `ContractScope`.
    static func markdownTable() -> String {
        let roles = Role.allCases
        var lines = ["| resource | " + roles.map { $0.rawValue }.joined(separator: " | ") + " |",
                     "|---|" + roles.map { _ in "---" }.joined(separator: "|") + "|"]
        for resource in Resource.allCases {
            let cells = roles.map { role -> String in
                let letters = Action.allCases.filter { allows(role, $0, resource) }.map { String($0.rawValue.prefix(1)) }.joined()
                return letters.isEmpty ? "—" : letters
            }
            lines.append("| \(resource.rawValue) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
