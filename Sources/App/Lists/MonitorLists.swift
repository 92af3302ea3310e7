import Fluent
import Foundation
import Vapor

/// The lists of fulfilment monitoring (alerts, escalations, inbox) on the shared list mechanism. The dashboard's
/// counters link here with exactly the filters that reproduce their numbers (`DashboardLinks`).
enum MonitorLists {
    /// `status=active` (the default) is everything not yet resolved — what the dashboard counts as open alerts.
    static func alerts(_ t: Strings) -> ListSpec {
        ListSpec(
            path: MonitorPaths.alerts.path,
            columns: [.sortable(t["mon_level"], "level", .field("level")), .sortable(t["mon_alert"], "title", .field("title")),
                      .sortable(t["mon_fired_at"], "fired_at", .field("fired_at")), .sortable(t["mon_status"], "status", .field("status")),
                      .actions(t["sys_col_actions"])],
            defaultSort: "-fired_at",
            filters: [
                ListFilterSpec(name: "status", label: t["mon_status"],
                               options: [("active", t["list_alerts_active"]), ("", t["mon_show_all"])]
                                   + AlertStatus.allCases.map { ($0.rawValue, t["mon_alert_status.\($0.rawValue)"]) },
                               defaultValue: "active"),
                ListFilterSpec(name: "level", label: t["mon_level"], options: ListQuery.options(t, "mon_alert_level", AlertLevel.self)),
                ListFilterSpec(name: "about", label: t["list_alerts_about"],
                               options: [("", t["list_any"]), ("contract", t["list_alerts_about_contract"])]),
            ],
            searchPlaceholder: t["list_alerts_search"],
            emptyText: t["list_empty_alerts"])
    }

    static func filterAlerts(_ q: QueryBuilder<Alert>, _ s: ListState) {
        switch s.value("status") {
        case "active": q.filter(\.$status != .resolved)
        case let v?: if let st = AlertStatus(rawValue: v) { q.filter(\.$status == st) }
        case nil: break
        }
        if let v = s.value("level"), let level = AlertLevel(rawValue: v) { q.filter(\.$level == level) }
        if s.value("about") == "contract" { q.filter(\.$contractID != nil) }
    }
}

extension MonitorLists {
    /// `status=active` is open and in progress — what the dashboard counts as open escalations.
    static func escalations(_ t: Strings) -> ListSpec {
        ListSpec(
            path: MonitorPaths.escalations.path,
            columns: [.sortable(t["mon_number"], "number", .field("number")), .plain(t["mon_contract"]),
                      .sortable(t["mon_level"], "level", .field("level")), .sortable(t["mon_status"], "status", .field("status")),
                      .sortable(t["mon_raised_at"], "raised_at", .field("raised_at")), .sortable(t["mon_resolve_by"], "resolve_by", .field("resolve_by"))],
            defaultSort: "-raised_at",
            filters: [
                ListFilterSpec(name: "status", label: t["mon_status"],
                               options: [("", t["list_any"]), ("active", t["list_escalations_active"])]
                                   + EscalationStatus.allCases.map { ($0.rawValue, t["mon_escalation_status.\($0.rawValue)"]) }),
                ListFilterSpec(name: "level", label: t["mon_level"], options: [("", t["list_any"])] + (1...3).map { ("\($0)", "L\($0)") }),
            ],
            searchPlaceholder: t["list_escalations_search"],
            emptyText: t["list_empty_escalations"])
    }

    static func filterEscalations(_ q: QueryBuilder<Escalation>, _ s: ListState) {
        switch s.value("status") {
        case "active": q.filter(\.$status ~~ [.open, .inProgress])
        case let v?: if let st = EscalationStatus(rawValue: v) { q.filter(\.$status == st) }
        case nil: break
        }
        if let v = s.value("level"), let level = Int(v) { q.filter(\.$level == level) }
    }

    static func inbox(_ t: Strings) -> ListSpec {
        ListSpec(
            path: MonitorPaths.notifications.path,
            columns: [.sortable(t["list_col_event"], "event", .field("event")), .sortable(t["list_col_message"], "title", .field("title")),
                      .sortable(t["list_col_received"], "created_at", .field("created_at")), .actions(t["sys_col_actions"])],
            defaultSort: "-created_at",
            filters: [
                ListFilterSpec(name: "read", label: t["list_inbox_read"],
                               options: [("", t["list_any"]), ("unread", t["list_inbox_unread"]), ("read", t["list_inbox_was_read"])]),
                ListFilterSpec(name: "event", label: t["list_col_event"],
                               options: [("", t["list_any"])] + NotificationEvent.allCases.map { ($0.rawValue, t["mon_event_kind." + $0.rawValue]) }),
            ],
            searchPlaceholder: t["list_inbox_search"],
            emptyText: t["list_empty_inbox"])
    }

    static func filterInbox(_ q: QueryBuilder<InboxNotification>, _ s: ListState) {
        switch s.value("read") {
        case "unread": q.filter(\.$readAt == nil)
        case "read": q.filter(\.$readAt != nil)
        default: break
        }
        if let v = s.value("event"), let e = NotificationEvent(rawValue: v) { q.filter(\.$event == e) }
    }
}
