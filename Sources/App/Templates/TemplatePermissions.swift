/// Issue #7: every staff role reads the library; managers and administrators manage it and alone approve; the
/// departments that own a kind (legal, project, technical, service desk) write drafts of their own kinds — which
/// kinds is `TemplateKind.draftingRoles`, checked by `TemplateLibrary.requireDrafting`.
enum TemplatePermissions {
    static func rule(_ role: Role, _ action: Action, _ resource: Resource) -> Bool? {
        guard resource == .template else { return nil }
        switch role {
        case .administrator, .manager: return true
        case .customerContact: return false
        case .legal, .project, .technical, .serviceDesk: return action != .approve
        case .finance, .engineer, .viewer: return action == .read
        }
    }
}
