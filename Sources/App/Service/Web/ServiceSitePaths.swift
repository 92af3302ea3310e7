import Foundation

/// Web paths of after-sales service (issue #6); routes and links both come from here.
enum ServiceSitePaths {
    static let desk = SiteRoute(template: "/service")
    static let deskCreate = SiteRoute(template: "/service/requests")
    static let mine = SiteRoute(template: "/service/mine")
    static let request = SiteRoute1(template: "/service/requests/:id")
    static let requestEvent = SiteRoute1(template: "/service/requests/:id/events")
    static let requestRatingLink = SiteRoute1(template: "/service/requests/:id/rating-link")
    static let requestFollowUp = SiteRoute1(template: "/service/requests/:id/follow-ups")
    static let requestObjection = SiteRoute1(template: "/service/requests/:id/objections")
    static let objectionResolve = SiteRoute1(template: "/service/objections/:id/resolve")
    static let checklistToggle = SiteRoute1(template: "/service/checklist/:id/toggle")
    static let plans = SiteRoute(template: "/service/plans")
    static let plan = SiteRoute1(template: "/service/plans/:id")
    static let planNotice = SiteRoute1(template: "/service/plans/:id/notice")
    static let planNoticeSent = SiteRoute1(template: "/service/plans/:id/notices")
    static let contractPlanCreate = SiteRoute1(template: "/contracts/:id/service-plan")
    static let inspectionConfirm = SiteRoute1(template: "/service/inspections/:id/confirm")
    static let triage = SiteRoute(template: "/service/triage")
    static let triageCreate = SiteRoute1(template: "/service/triage/:id/create")
    static let triageDiscard = SiteRoute1(template: "/service/triage/:id/discard")
    /// The public rating page of a tokenized link (no login).
    static let rateTemplate = "/rate/:token"
    static func ratePath(_ token: String) -> String { "/rate/" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token) }
}
