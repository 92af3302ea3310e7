import Foundation

/// Where each dashboard counter leads (issue #8): the shared list filtered to exactly what the counter counts, so the
/// list's total equals the counter (`DashboardCounterTests`). Counters over rows that have no list page of their own
/// (late milestones, overdue payments, fired risks, stale contracts) lead to their section of the dashboard.
enum DashboardLinks {
    /// Contracts in a monitored status (signed, in progress, delivered, in service…).
    static let monitoredContracts = SitePath.contracts.path + "?status=monitored"
    /// Unresolved alerts about a contract (the default `status=active`).
    static let openAlerts = MonitorPaths.alerts.path + "?about=contract"
    /// Unresolved red (breach) alerts about a contract.
    static let redAlerts = MonitorPaths.alerts.path + "?about=contract&level=breach"
    /// Open and in-progress escalations.
    static let openEscalations = MonitorPaths.escalations.path + "?status=active"
    static let lateSection = MonitorPaths.dashboard.path + "#late"
    static let paymentsSection = MonitorPaths.dashboard.path + "#payments"
    static let risksSection = MonitorPaths.dashboard.path + "#risks"
    static let progressSection = MonitorPaths.dashboard.path + "#progress"
}
