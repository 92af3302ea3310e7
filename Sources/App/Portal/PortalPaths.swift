import Vapor

/// Paths of the customer portal (issue #5); routes and links both come from here.
enum PortalPaths {
    static let home = SiteRoute(template: "/portal")
    static let contract = SiteRoute1(template: "/portal/contracts/:id")
    static let attachment = SiteRoute1(template: "/portal/attachments/:id")
    static let notice = SiteRoute1(template: "/portal/plans/:id/notice")
}

/// Paths of a user's own account pages (staff and customers alike).
enum AccountPaths {
    static let password = SiteRoute(template: "/account/password")
    static let tokens = SiteRoute(template: "/account/tokens")
}

/// Web paths of attachments (staff side).
enum AttachmentPaths {
    static let milestone = SiteRoute1(template: "/milestones/:id/attachments")
    static let escalation = SiteRoute1(template: "/escalations/:id/attachments")
    static let serviceRequest = SiteRoute1(template: "/service/requests/:id/attachments")
    static let download = SiteRoute1(template: "/attachments/:id/download")
    static let delete = SiteRoute1(template: "/attachments/:id/delete")

    static func page(_ parent: AttachmentParent) -> SiteRoute1 {
        switch parent {
        case .milestone: milestone
        case .escalation: escalation
        case .serviceRequest: serviceRequest
        }
    }

    /// The record's own page, where its files are linked (service requests list theirs on the page itself).
    static func parentPage(_ parent: AttachmentParent, _ id: UUID) -> String {
        switch parent {
        case .milestone: SitePath.milestone.path(id)
        case .escalation: MonitorPaths.escalation.path(id)
        case .serviceRequest: ServiceSitePaths.request.path(id)
        }
    }
}
