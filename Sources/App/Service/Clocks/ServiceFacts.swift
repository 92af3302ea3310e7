import Fluent
import Foundation
import SQLKit

/// What fulfilment monitoring reads from service (issue #6): per contract, how many requests there are and how many
/// breached an SLA clock — the input of the `sla_breach_rate` risk trigger. One grouped query for a batch.
enum ServiceFacts {
    static func breachCounts(contracts ids: [UUID], on db: any Database) async throws -> [UUID: (total: Int, breached: Int)] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.sql.select()
            .column("contract_id")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "total")
            .column(SQLFunction("SUM", args: SQLRaw("CASE WHEN breached THEN 1 ELSE 0 END")), as: "breached")
            .from(ServiceRequest.schema)
            .where("contract_id", .in, ids)
            .where("status", .notEqual, RequestStatus.rejected.rawValue)
            .groupBy("contract_id")
            .all()
        var out: [UUID: (total: Int, breached: Int)] = [:]
        for row in rows {
            let id = try row.decode(column: "contract_id", as: UUID.self)
            out[id] = (Int(try row.decode(column: "total", as: Int64.self)), Int(try row.decode(column: "breached", as: Int64?.self) ?? 0))
        }
        return out
    }
}
