/// Issue #6: who may do what with after-sales service. Every staff role reads (managers read all); the service desk
/// runs plans, requests, triage and follow-ups; engineers and technical staff work requests; work instructions are
/// the technical department's (and managers'). Customer contacts get nothing here — the portal calls the service
/// functions with its own checks.
enum ServicePermissions {
    static func rule(_ role: Role, _ action: Action, _ resource: Resource) -> Bool? {
        switch resource {
        case .servicePlan, .serviceRequest, .workInstruction, .serviceTriage: break
        default: return nil
        }
        switch role {
        case .administrator: return true
        case .customerContact: return false
        default: break
        }
        if action == .read { return true }
        switch resource {
        case .servicePlan:
            return [.serviceDesk, .manager].contains(role) && (action != .delete || role == .manager)
        case .serviceRequest:
            switch action {
            case .create: return [.serviceDesk, .manager, .engineer, .technical].contains(role)
            case .update: return [.serviceDesk, .manager, .engineer, .technical].contains(role)
            default: return role == .manager
            }
        case .workInstruction:
            return [.technical, .manager].contains(role) && action != .delete
        case .serviceTriage:
            return [.serviceDesk, .manager].contains(role) && action != .delete
        default:
            return nil
        }
    }
}
