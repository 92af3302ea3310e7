import Foundation

/// Web paths of the quarterly report and improvement actions (issue #7); routes and links both come from here.
enum ReportSitePaths {
    static let report = SiteRoute(template: "/reports/quarterly")
    static let print = SiteRoute(template: "/reports/quarterly/print")
    static let xlsx = SiteRoute(template: "/reports/quarterly/xlsx")
    static let freeze = SiteRoute(template: "/reports/quarterly/freeze")
    static let unfreeze = SiteRoute(template: "/reports/quarterly/unfreeze")
    static let actions = SiteRoute(template: "/improvement-actions")
    static let actionNew = SiteRoute(template: "/improvement-actions/new")
    static let action = SiteRoute1(template: "/improvement-actions/:id")
    static let actionEdit = SiteRoute1(template: "/improvement-actions/:id/edit")
}
