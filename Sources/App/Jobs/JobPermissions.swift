/// Issue #8: every staff role starts jobs (the work itself needs the permission of the export, report or import it runs,
/// `JobWork.allowed`), reads its own and cancels them (update); administrators see and cancel everyone's. Customer
/// contacts have none: the portal has no exports.
enum JobPermissions {
    static func rule(_ role: Role, _ action: Action, _ resource: Resource) -> Bool? {
        guard resource == .job else { return nil }
        switch role {
        case .administrator: return action != .delete
        case .customerContact: return false
        default: return [.read, .create, .update].contains(action)
        }
    }
}
