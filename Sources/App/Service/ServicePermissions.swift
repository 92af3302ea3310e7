import Fluent
import Vapor

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

/// "Engineers work their own requests" (issue #5): an engineer may change a request only when it is assigned to
/// them; the service desk assigns. Everyone else is governed by the matrix above.
enum EngineerScope {
    static func requireOwn(_ req: Request, requestID: UUID) async throws {
        let user = try req.user
        guard user.role == .engineer else { return }
        guard let request = try await ServiceRequest.find(requestID, on: req.db) else {
            throw AppError.notFound(entity: "service_request", id: requestID.uuidString)
        }
        guard request.engineerID == user.id else {
            throw AppError.forbidden("engineers change only the requests assigned to them; ask the service desk to assign this one")
        }
    }

    static func requireOwn(_ req: Request, checklistItemID: UUID) async throws {
        guard try req.user.role == .engineer else { return }
        let item = try await Writes.find(ChecklistItem.self, checklistItemID, on: req.db)
        try await requireOwn(req, requestID: item.requestID)
    }

    static func requireOwn(_ req: Request, objectionID: UUID) async throws {
        guard try req.user.role == .engineer else { return }
        let objection = try await Writes.find(Objection.self, objectionID, on: req.db)
        try await requireOwn(req, requestID: objection.requestID)
    }
}
