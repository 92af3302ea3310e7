import Fluent
import Foundation
import LvyueCore
import Vapor

/// The 后期服务启动通知 generated from a plan: a standalone printable page (API and web serve the same HTML).
enum NoticePage {
    static func context(_ plan: ServicePlan, lang: Lang, on db: any Database, today: LocalDate) async throws -> NoticeContext {
        let t = Localization.shared.strings(lang)
        let contract = try await Contract.find(plan.contractID, on: db)
        let customer = try await Customer.find(plan.customerID, on: db)
        let policy = plan.clockPolicy
        func minutes(_ name: String) -> String {
            guard let d = StandardClocks.definition(named: name, policy: policy) else { return "" }
            switch d.target {
            case .workingMinutes(let m): return m % 60 == 0 ? t.format("svc_hours", ["n": "\(m / 60)"]) : t.format("svc_minutes", ["n": "\(m)"])
            case .workingDays(let n), .workingDaysBeforeAnchor(let n): return t.format("svc_working_days", ["n": "\(n)"])
            case .calendarDays(let n), .calendarDaysBeforeAnchor(let n): return t.format("svc_days", ["n": "\(n)"])
            }
        }
        var services: [String] = []
        if plan.faultResponse { services.append(plan.calendarID == "7x24" ? t["svc_notice_fault_7x24"] : t["svc_notice_fault"]) }
        if plan.inspectionMonths > 0 {
            services.append(plan.inspectionMonths == 3 ? t["svc_notice_quarterly"] : t.format("svc_notice_inspections", ["n": "\(plan.inspectionMonths)"]))
        }
        if plan.upgrades { services.append(t["svc_notice_upgrades"]) }
        if plan.training { services.append(t["svc_notice_training"]) }
        let targets = [
            t.format("svc_notice_target_confirm", ["t": minutes("service.confirm")]),
            t.format("svc_notice_target_urgent", ["r": minutes("urgent.respond"), "o": minutes("urgent.onsite"), "m": minutes("urgent.remote")]),
            t.format("svc_notice_target_normal", ["r": minutes("normal.respond"), "s": minutes("normal.solve")]),
            t.format("svc_notice_target_inspection", ["n": minutes("inspection.confirm")]),
            t.format("svc_notice_target_follow_up", ["f": minutes("service.follow_up"), "o": minutes("objection.resolve")]),
        ]
        return NoticeContext(
            lang: lang.rawValue, t: t.table, customer: customer?.name ?? "", contractNumber: contract?.number ?? "",
            contractTitle: contract?.title ?? "", warrantyStart: plan.warrantyStart, warrantyEnd: plan.warrantyEnd,
            coverage: plan.calendarID == "7x24" ? t["svc_coverage_7x24"] : t.format("svc_coverage_calendar", ["c": plan.calendarID]),
            services: services, targets: targets, contactName: plan.contactName, contactPhone: plan.contactPhone ?? "—",
            contactEmail: plan.contactEmail ?? "—", channels: plan.channels.map { t.label("svc_channel", $0) }.joined(separator: "、"),
            issuedOn: today.description)
    }

    static func render(_ req: Request, planID: UUID) async throws -> Response {
        let plan = try await Writes.find(ServicePlan.self, planID, on: req.db)
        let ctx = try await context(plan, lang: req.lang, on: req.db, today: ResponseContext(now: req.now).today)
        let view = try await req.view.render("service/notice", ctx)
        let response = try await view.encodeResponse(status: .ok, for: req)
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
