import Fluent
import Foundation
import SQLKit

/// The service-request list read straight into its response rows: one SQL statement over the indexed columns, each
/// column decoded into `ServiceRequestResponse` without building a model first (DESIGN §7: the list of 50 at scale L).
/// The same rows, order and cursor as the model query it replaces (`ServiceRequestFilter.apply` + `PageRequest`).
enum ServiceRequestList {
    static let columns = """
        id, number, customer_id, contract_id, plan_id, inspection_id, channel, type, urgency, remote_solvable, paid_service, \
        title, description, contact_name, contact_email, contact_phone, received_at, status, waiting, reopen_count, engineer_id, \
        engineer_name, department_id, confirmed_at, confirmed_by, rejected_at, rejected_by, reject_reason, responded_at, \
        responded_by, remote_at, remote_by, dispatched_at, dispatched_by, onsite_at, onsite_by, resolved_at, resolved_by, \
        solution, signed_by, signed_at, closed_at, closed_by, calendar_id, next_due_at, breached, version
        """

    /// The filter's conditions as SQL (all but the text search, which stays with the model query).
    static func conditions(_ f: ServiceRequestFilter) -> [SQLQueryString] {
        var parts: [SQLQueryString] = []
        if let status = f.status {
            if status == "open" {
                parts.append("status NOT IN (\(binds: [RequestStatus.closed.rawValue, RequestStatus.rejected.rawValue]))")
            } else if let s = RequestStatus(rawValue: status) {
                parts.append("status = \(bind: s.rawValue)")
            }
        }
        if let v = f.urgency { parts.append("urgency = \(bind: v.rawValue)") }
        if let v = f.type { parts.append("type = \(bind: v.rawValue)") }
        if let v = f.customerID { parts.append("customer_id = \(bind: v)") }
        if let v = f.contractID { parts.append("contract_id = \(bind: v)") }
        if let v = f.engineerID { parts.append("engineer_id = \(bind: v)") }
        if let v = f.breached { parts.append("breached = \(bind: v)") }
        return parts
    }

    /// The statement of one page in creation order (keyset on the time-ordered id).
    static func statement(_ f: ServiceRequestFilter, _ page: PageRequest) -> SQLQueryString {
        var parts = conditions(f)
        if let after = page.after { parts.append("id > \(bind: after)") }
        let whereClause: SQLQueryString = parts.isEmpty ? "" : " WHERE " + parts.joined(separator: " AND ")
        let select: SQLQueryString = "SELECT " + SQLQueryString(columns) + " FROM service_requests"
        return select + whereClause + " ORDER BY id LIMIT \(bind: page.limit + 1)"
    }

    /// One page; nil when the filter needs the model query (text search).
    static func page(_ f: ServiceRequestFilter, _ page: PageRequest, on db: any Database) async throws -> Page<ServiceRequestResponse>? {
        guard f.q == nil else { return nil }
        let rows = try await db.sql.raw(statement(f, page)).all()
        let items = try rows.prefix(page.limit).map(response)
        return Page(items: items, nextCursor: rows.count > page.limit ? items.last?.id.uuidString : nil)
    }

    static func response(_ row: any SQLRow) throws -> ServiceRequestResponse {
        func v<T: Decodable>(_ column: String, _ type: T.Type = T.self) throws -> T { try row.decode(column: column, as: T.self) }
        return ServiceRequestResponse(
            id: try v("id"), number: try v("number"), customerId: try v("customer_id"), contractId: try v("contract_id"),
            planId: try v("plan_id"), inspectionId: try v("inspection_id"), channel: try v("channel"), type: try v("type"),
            urgency: try v("urgency"), remoteSolvable: try v("remote_solvable"), paidService: try v("paid_service"), title: try v("title"),
            description: try v("description"), contactName: try v("contact_name"), contactEmail: try v("contact_email"),
            contactPhone: try v("contact_phone"), receivedAt: try v("received_at"), status: try v("status"), waiting: try v("waiting"),
            reopenCount: try v("reopen_count"), engineerId: try v("engineer_id"), engineerName: try v("engineer_name"),
            departmentId: try v("department_id"), confirmedAt: try v("confirmed_at"), confirmedBy: try v("confirmed_by"),
            rejectedAt: try v("rejected_at"), rejectedBy: try v("rejected_by"), rejectReason: try v("reject_reason"),
            respondedAt: try v("responded_at"), respondedBy: try v("responded_by"), remoteAt: try v("remote_at"), remoteBy: try v("remote_by"),
            dispatchedAt: try v("dispatched_at"), dispatchedBy: try v("dispatched_by"), onsiteAt: try v("onsite_at"),
            onsiteBy: try v("onsite_by"), resolvedAt: try v("resolved_at"), resolvedBy: try v("resolved_by"), solution: try v("solution"),
            signedBy: try v("signed_by"), signedAt: try v("signed_at"), closedAt: try v("closed_at"), closedBy: try v("closed_by"),
            calendarId: try v("calendar_id"), nextDueAt: try v("next_due_at"), breached: try v("breached"), version: try v("version"))
    }
}

extension PageRequest {
    init(limit: Int, after: UUID?) {
        self.limit = limit
        self.after = after
    }
}
