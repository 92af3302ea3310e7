/// Every message key the code writes, with the parts its readers ask for (`""` is the key itself). A test reads the
/// sources for message keys and checks each is listed here and that every part exists in both languages with the same
/// parameters — so a key cannot be emitted without its strings.
enum MessageCatalog {
    static let alert = ["title", "reason"]
    static let alertAndNotice = ["title", "reason", "body"]
    static let notice = ["title", "body"]

    static let parts: [String: [String]] = [
        // risk and resource trigger reasons (LvyueCore `RiskTriggers`), shown inside `alert.risk_fired`
        "trigger.milestone_late": [""], "trigger.forecast_late": [""], "trigger.payment_overdue": [""],
        "trigger.quality_failed": [""], "trigger.update_stale": [""], "trigger.sla_breach_rate": [""],
        "trigger.material_late": [""], "trigger.material_late_no_arrival": [""], "trigger.department_overload": [""],
        "trigger.funds_unapproved": [""], "trigger.manual": [""], "trigger.other": [""],
        // alerts (and the inbox messages about them)
        "alert.risk_fired": alertAndNotice,
        "alert.milestone_late": alertAndNotice,
        "alert.milestone_late_cause": alertAndNotice,
        "alert.service_clock_breach": alertAndNotice,
        "alert.service_clock_warning": alertAndNotice,
        "alert.improvement_action_overdue": alertAndNotice,
        "alert.escalation_overdue": alert,
        // inbox messages of escalations
        "notice.escalation_raised": notice, "notice.escalation_raised_late": notice,
        "notice.escalation_overdue": notice, "notice.escalation_levelled_up": notice,
        // history notes
        "esc_note.raised_late": [""], "esc_note.deadline_passed": [""],
        "svc_note.received": [""], "svc_note.inspection_confirmed": [""], "svc_note.follow_up": [""],
        "svc_note.follow_up_notes": [""], "svc_note.email": [""],
    ]
}
