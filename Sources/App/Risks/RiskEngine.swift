import Fluent
import Foundation
import LvyueCore
import SQLKit

/// Evaluates the monitored conditions of contracts — every open risk's trigger and every late milestone — against
/// the facts read from the database, and keeps alerts and notifications in step: one alert per firing, resolved
/// when the condition clears. The rules themselves are `RiskTriggers` in LvyueCore; this reads and writes.
/// Runs inside the caller's write transaction (a data change, or the sweeper).
enum RiskEngine {
    static let monitoredStatuses: [ContractStatus] = [.active, .delivered, .inService]

    struct Report: Sendable {
        var fired = 0
        var resolved = 0
        /// Contracts where something changed (or, in a dry run, would change).
        var changed: Set<UUID> = []
    }

    /// The facts of each contract, read in a fixed number of queries for the whole batch.
    static func facts(for contracts: [Contract], on db: any Database, today: LocalDate) async throws
        -> (facts: [UUID: ContractFacts], milestones: [UUID: Milestone]) {
        let ids = contracts.compactMap(\.id)
        guard !ids.isEmpty else { return ([:], [:]) }
        let milestones = try await Milestone.query(on: db).filter(\.$contract.$id ~~ ids).all()
        let payments = try await PaymentNode.query(on: db).filter(\.$contract.$id ~~ ids).all()
        let quality = try await QualityResult.query(on: db).filter(\.$contractID ~~ ids).sort(\.$inspectedAt).sort(\.$id).all()
        let updateRows = try await db.sql.select()
            .column(SQLColumn("contract_id", table: "m"))
            .column(SQLFunction("MAX", args: SQLColumn("recorded_at", table: "u")), as: "last")
            .from(SQLAlias(SQLIdentifier(MilestoneUpdate.schema), as: SQLIdentifier("u")))
            .join(SQLAlias(SQLIdentifier(Milestone.schema), as: SQLIdentifier("m")), on: SQLColumn("milestone_id", table: "u"), .equal, SQLColumn("id", table: "m"))
            .where(SQLColumn("contract_id", table: "m"), .in, SQLBind.group(ids))
            .groupBy(SQLColumn("contract_id", table: "m"))
            .all()
        var lastUpdate: [UUID: Date] = [:]
        for row in updateRows {
            if let last = try row.decodeNil(column: "last") ? nil : row.decode(column: "last", as: Date.self) {
                lastUpdate[try row.decode(column: "contract_id", as: UUID.self)] = last
            }
        }
        var byID: [UUID: Milestone] = [:]
        var milestoneFacts: [UUID: [ContractFacts.MilestoneFact]] = [:]
        for m in milestones {
            byID[m.id!] = m
            guard let planned = LocalDate(iso: m.plannedOn) else { continue }
            milestoneFacts[m.$contract.id, default: []].append(.init(id: m.id!, name: m.name, planned: planned, actual: m.actual))
        }
        var paymentFacts: [UUID: [ContractFacts.PaymentFact]] = [:]
        for p in payments {
            guard let due = LocalDate(iso: p.dueOn) else { continue }
            paymentFacts[p.$contract.id, default: []].append(.init(id: p.id!, name: p.name, due: due, settled: p.receivedMinor >= p.amountDueMinor))
        }
        var latestQuality: [UUID: ContractFacts.QualityFact] = [:]
        for q in quality {  // sorted by time: the last one per milestone wins
            latestQuality[q.$milestone.id] = .init(milestoneId: q.$milestone.id, milestoneName: byID[q.$milestone.id]?.name ?? "",
                                                   passed: q.result == .pass, at: q.inspectedAt)
        }
        var qualityByContract: [UUID: [ContractFacts.QualityFact]] = [:]
        for (mid, fact) in latestQuality { if let m = byID[mid] { qualityByContract[m.$contract.id, default: []].append(fact) } }

        let serviceCounts = try await ServiceFacts.breachCounts(contracts: ids, on: db)  // issue #6: sla_breach_rate
        let resources = try await LoadService.triggerFacts(contracts: ids, today: today, on: db)  // issue #10: resource shortfalls
        var result: [UUID: ContractFacts] = [:]
        for c in contracts {
            let id = c.id!
            // Staleness counts from the last update, or from the start of the contract when nobody reported yet.
            let baseline = lastUpdate[id].map { LocalDate(date: $0, in: JSONCoding.displayTimeZone) }
                ?? c.startsOn.flatMap(LocalDate.init(iso:))
                ?? c.createdAt.map { LocalDate(date: $0, in: JSONCoding.displayTimeZone) }
            var f = ContractFacts(today: today, plannedFinish: c.endsOn.flatMap(LocalDate.init(iso:)),
                                  milestones: milestoneFacts[id] ?? [], payments: paymentFacts[id] ?? [],
                                  latestQuality: qualityByContract[id] ?? [], lastUpdate: baseline,
                                  cadenceDays: c.updateCadenceDays, serviceRequests: serviceCounts[id])
            if let r = resources[id] { f.materials = r.materials; f.funds = r.funds; f.departmentWeeks = r.weeks }
            result[id] = f
        }
        return (result, byID)
    }

    /// Evaluates the given contracts (only monitored ones: active, delivered, in service). A dry run only reads and
    /// reports which contracts would change — the sweeper uses it outside the write transaction, so in the steady state
    /// (nothing new) it never takes SQLite's write lock.
    @discardableResult
    static func evaluate(contractIDs: [UUID], on db: any Database, ctx: MonitorContext, dryRun: Bool = false) async throws -> Report {
        var report = Report()
        guard !contractIDs.isEmpty else { return report }
        let contracts = try await Contract.query(on: db).filter(\.$id ~~ contractIDs).all()
        let monitored = contracts.filter { monitoredStatuses.contains($0.status) }
        let (facts, milestones) = try await facts(for: monitored, on: db, today: ctx.today)
        var state = try await AlertFiring.state(contracts: contracts.compactMap(\.id), on: db)
        let contractByID = Dictionary(uniqueKeysWithValues: contracts.map { ($0.id!, $0) })

        // Contracts no longer monitored (closed, terminated): their alerts clear.
        for (key, alert) in state.open where key.source != .escalation {
            if let cid = alert.contractID, let c = contractByID[cid], !monitoredStatuses.contains(c.status) {
                report.changed.insert(cid)
                if dryRun { continue }
                try await AlertFiring.resolve(alert, on: db, ctx: ctx)
                state.open[key] = nil
                report.resolved += 1
            }
        }

        let risks = try await Risk.query(on: db).filter(\.$contract.$id ~~ monitored.compactMap(\.id)).all()
        for risk in risks {
            guard let f = facts[risk.$contract.id], let contract = contractByID[risk.$contract.id] else { continue }
            let key = AlertFiring.Key(source: .risk, sourceID: risk.id!, condition: "trigger")
            let outcome: TriggerOutcome = risk.status == .closed ? .quiet("risk closed")
                : RiskTriggers.evaluate(risk.trigger, facts: f, manuallyTriggered: risk.status == .triggered)
            let open = state.open[key]
            let riskChanges = (outcome.fired && open == nil) || (!outcome.fired && open != nil) || outcome.fired != risk.fired
            if riskChanges { report.changed.insert(contract.id!) }
            if dryRun { continue }
            if outcome.fired, open == nil {
                let seq = (state.maxSeq[key] ?? 0) + 1
                let subjectMilestone = outcome.subjectId.flatMap { milestones[$0] != nil ? $0 : nil }
                let reasonMessage = outcome.message ?? Message("trigger.other", ["reason": outcome.reason])
                let message = Message("alert.risk_fired", reasonMessage.params.merging(
                    ["risk": risk.summary, "contract": contract.number, "contract_title": contract.title, "reason_key": reasonMessage.key]) { a, _ in a })
                let firing = AlertFiring.Firing(key: key, seq: seq, contractID: contract.id, milestoneID: subjectMilestone,
                                                level: risk.score >= 15 ? .breach : .warning, message: message)
                let created = try await AlertFiring.fire(firing, on: db, ctx: ctx)
                state.maxSeq[key] = seq
                try await markRisk(risk, fired: true, seq: seq, outcome: outcome, on: db, ctx: ctx)
                if let alert = created {
                    report.fired += 1
                    state.open[key] = alert
                    var users = Set<UUID>()
                    if let o = risk.$owner.id { users.insert(o) }
                    if let o = contract.$owner.id { users.insert(o) }
                    try await Notifier.emit(Notifier.outgoing(.alertFired, key: "alert:\(alert.id!.uuidString)", message,
                                                              link: SitePaths.contract(contract.id!), users: users,
                                                              departments: Set([contract.$department.id].compactMap { $0 })), on: db, ctx: ctx)
                }
            } else if !outcome.fired, let open {
                try await AlertFiring.resolve(open, on: db, ctx: ctx)
                state.open[key] = nil
                report.resolved += 1
                try await markRisk(risk, fired: false, seq: risk.firingSeq, outcome: outcome, on: db, ctx: ctx)
            } else if outcome.fired != risk.fired {
                // Alert state and risk state disagree (e.g. the alert was written by a concurrent evaluation): align the risk.
                try await markRisk(risk, fired: outcome.fired, seq: state.maxSeq[key] ?? risk.firingSeq, outcome: outcome, on: db, ctx: ctx)
            }
        }

        // Late milestones: an open milestone past its planned date is a condition of its own (event milestone.late).
        for m in milestones.values {
            guard let contract = contractByID[m.$contract.id] else { continue }
            let key = AlertFiring.Key(source: .milestone, sourceID: m.id!, condition: "late")
            let days = m.actual == nil ? m.delayDays(today: ctx.today) : 0
            let open = state.open[key]
            if (days >= 1 && open == nil) || (days == 0 && open != nil) { report.changed.insert(contract.id!) }
            if dryRun { continue }
            if days >= 1, open == nil {
                let seq = (state.maxSeq[key] ?? 0) + 1
                var params = ["contract": contract.number, "contract_title": contract.title, "milestone": m.name, "planned": m.plannedOn,
                              "days": "\(days)"]
                if let cause = m.delayReason { params["cause"] = cause }
                let message = Message(m.delayReason == nil ? "alert.milestone_late" : "alert.milestone_late_cause", params)
                let firing = AlertFiring.Firing(key: key, seq: seq, contractID: contract.id, milestoneID: m.id,
                                                level: days >= 7 ? .breach : .warning, message: message)
                state.maxSeq[key] = seq
                if let alert = try await AlertFiring.fire(firing, on: db, ctx: ctx) {
                    report.fired += 1
                    state.open[key] = alert
                    try await Notifier.emit(Notifier.outgoing(.milestoneLate, key: "alert:\(alert.id!.uuidString)", message,
                                                              link: SitePaths.contract(contract.id!), users: Set([contract.$owner.id].compactMap { $0 }),
                                                              departments: Set([contract.$department.id, m.$department.id].compactMap { $0 })), on: db, ctx: ctx)
                }
            } else if days == 0, let open {
                try await AlertFiring.resolve(open, on: db, ctx: ctx)
                state.open[key] = nil
                report.resolved += 1
            }
        }
        // Alerts of milestones that were deleted clear too.
        for (key, alert) in state.open where key.source == .milestone && milestones[key.sourceID] == nil
            && (alert.contractID.flatMap { contractByID[$0] }.map { monitoredStatuses.contains($0.status) } ?? true) {
            if let cid = alert.contractID { report.changed.insert(cid) }
            if dryRun { continue }
            try await AlertFiring.resolve(alert, on: db, ctx: ctx)
            report.resolved += 1
        }
        return report
    }

    private static func markRisk(_ risk: Risk, fired: Bool, seq: Int, outcome: TriggerOutcome, on db: any Database, ctx: MonitorContext) async throws {
        let before = risk.response(ResponseContext(now: ctx.now))
        risk.fired = fired
        risk.firingSeq = max(risk.firingSeq, seq)
        risk.lastReason = outcome.reason
        let message = outcome.message ?? Message("trigger.other", ["reason": outcome.reason])
        risk.messageKey = message.key
        risk.messageParams = MessageText.encodeParams(message.params)
        risk.evaluatedAt = ctx.now
        if fired {
            risk.firedAt = ctx.now
            if risk.status == .open { risk.status = .triggered }
        } else if risk.status == .triggered && risk.triggerKind != .manual {
            risk.status = .open
        }
        risk.version += 1
        try await risk.update(on: db)
        try await AuditLog.append(on: db, at: ctx.now, actor: ctx.actor, action: fired ? "risk.fire" : "risk.clear", entityType: Risk.entityType,
                                  entityID: risk.id!.uuidString, before: before, after: risk.response(ResponseContext(now: ctx.now)))
    }
}

/// Links that notifications carry to the web pages (relative; channels prefix `LVYUE_BASE_URL`).
enum SitePaths {
    static func contract(_ id: UUID) -> String { "/contracts/\(id.uuidString.lowercased())" }
    static func escalation(_ id: UUID) -> String { "/escalations/\(id.uuidString.lowercased())" }
    static let alerts = "/alerts"
}
