import Foundation

/// Where each dashboard counter leads (issue #8): the shared list filtered to exactly what the counter counts, so the
/// list's total equals the counter (`DashboardCounterTests`). Late milestones, overdue payments and fired risks lead to
/// the dashboard's own whole lists of them; stale contracts to the progress section.
enum DashboardLinks {
    /// Contracts in a monitored status (signed, in progress, delivered, in service…).
    static let monitoredContracts = SitePath.contracts.path + "?status=monitored"
    /// Unresolved alerts about a contract (the default `status=active`).
    static let openAlerts = MonitorPaths.alerts.path + "?about=contract"
    /// Unresolved red (breach) alerts about a contract.
    static let redAlerts = MonitorPaths.alerts.path + "?about=contract&level=breach"
    /// Open and in-progress escalations.
    static let openEscalations = MonitorPaths.escalations.path + "?status=active"
    static let lateMilestones = MonitorPaths.dashboardList(.lateMilestones).path
    static let overduePayments = MonitorPaths.dashboardList(.overduePayments).path
    static let firedRisks = MonitorPaths.dashboardList(.firedRisks).path
    static let progressSection = MonitorPaths.dashboard.path + "#progress"
}
