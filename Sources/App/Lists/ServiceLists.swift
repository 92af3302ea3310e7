import Fluent
import Foundation
import LvyueCore
import Vapor

/// The service desk queue and the engineer's own list on the shared list mechanism: both default to the open
/// requests by nearest deadline (a request without a running clock last).
enum ServiceLists {
    static func queue(_ t: Strings, mine: Bool, canCreate: Bool) -> ListSpec {
        ListSpec(
            path: mine ? ServiceSitePaths.mine.path : ServiceSitePaths.desk.path,
            columns: [.sortable(t["svc_f_left"], "due", .sql(["CASE WHEN next_due_at IS NULL THEN 1 ELSE 0 END", "next_due_at {dir}"])),
                      .sortable(t["svc_f_number"], "number", .field("number")), .plain(t["svc_f_customer"]),
                      .sortable(t["svc_f_urgency"], "urgency", .field("urgency")), .sortable(t["svc_f_status"], "status", .field("status")),
                      .plain(t["svc_f_engineer"])],
            defaultSort: "due",
            filters: [
                ListFilterSpec(name: "status", label: t["svc_f_status"],
                               options: [("open", t["svc_filter_open"]), ("", t["svc_filter_all"])]
                                   + RequestStatus.allCases.map { ($0.rawValue, t.label("svc_status", $0)) },
                               defaultValue: "open"),
                ListFilterSpec(name: "urgency", label: t["svc_f_urgency"], options: ListQuery.options(t, "svc_urgency", Urgency.self, any: t["svc_filter_any"])),
                ListFilterSpec(name: "type", label: t["svc_f_type"], options: ListQuery.options(t, "svc_type", RequestType.self, any: t["svc_filter_any"])),
            ],
            searchPlaceholder: t["svc_search_placeholder"],
            emptyText: mine ? t["list_empty_mine"] : t["list_empty_requests"],
            emptyActionLabel: canCreate && !mine ? t["svc_new_request"] : nil, emptyActionURL: canCreate && !mine ? "#new-request" : nil,
            exports: mine ? [] : [.init(label: t["exchange_export_xlsx"], action: "/exports/service-requests", format: "xlsx"),
                                  .init(label: t["exchange_export_csv"], action: "/exports/service-requests", format: "csv"),
                                  .init(label: t["exchange_export_satisfaction"], action: "/exports/satisfaction", format: "xlsx")])
    }

    /// The whitelisted values as the API's filter, so the page and `GET /api/v1/service-requests` filter alike.
    static func filter(_ s: ListState?, engineerID: UUID?) -> ServiceRequestFilter {
        var f = ServiceRequestFilter()
        f.status = s?.value("status")
        f.urgency = s?.value("urgency").flatMap(Urgency.init(rawValue:))
        f.type = s?.value("type").flatMap(RequestType.init(rawValue:))
        f.engineerID = engineerID
        return f
    }

    static func plans(_ t: Strings) -> ListSpec {
        ListSpec(
            path: ServiceSitePaths.plans.path,
            columns: [.plain(t["svc_f_contract"]), .plain(t["svc_f_customer"]),
                      .sortable(t["svc_p_warranty"], "warranty_end", .field("warranty_end")),
                      .sortable(t["svc_p_calendar"], "calendar", .field("calendar_id"))],
            defaultSort: "-warranty_end",
            filters: [ListFilterSpec(name: "warranty", label: t["svc_p_warranty"],
                                     options: [("", t["list_any"]), ("active", t["svc_in_warranty"]), ("ended", t["list_plans_ended"])])],
            searchPlaceholder: t["list_plans_search"],
            emptyText: t["list_empty_plans"])
    }

    /// In warranty today: start ≤ today ≤ end (ISO dates compare as text).
    static func filterPlans(_ q: QueryBuilder<ServicePlan>, _ s: ListState, today: LocalDate) {
        switch s.value("warranty") {
        case "active": q.filter(\.$warrantyStart <= today.description).filter(\.$warrantyEnd >= today.description)
        case "ended": q.filter(\.$warrantyEnd < today.description)
        default: break
        }
    }
}
