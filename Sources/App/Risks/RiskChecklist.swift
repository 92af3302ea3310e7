import Foundation
import LvyueCore

/// The standard risk checklists, one per contract category: the risks a cross-department review starts from
/// (供应商延期、客户需求变更、付款滞后、质量不达标 …), each with a machine trigger. Applying one to a contract
/// adds the items it does not have yet (matched by description).
enum RiskChecklist {
    struct Item: Sendable {
        var description: String
        var category: RiskCategory
        var likelihood: Int
        var impact: Int
        var mitigation: String
        var trigger: RiskTrigger
    }

    static func items(for category: ContractCategory) -> [Item] {
        var items = common
        switch category {
        case .manufacturing:
            items.insert(Item(description: "原材料或关键部件供应商延期交货", category: .supply, likelihood: 3, impact: 4,
                              mitigation: "提前锁定备用供应商，关键物料设安全库存", trigger: RiskTrigger(kind: .milestoneLate, days: 3)), at: 0)
            items.append(Item(description: "出厂检验或现场验收不合格", category: .quality, likelihood: 2, impact: 5,
                              mitigation: "出厂前联合技术部预验收，不合格项24小时内整改", trigger: RiskTrigger(kind: .qualityFailed)))
        case .construction:
            items.insert(Item(description: "天气或现场条件导致施工延误", category: .schedule, likelihood: 3, impact: 3,
                              mitigation: "编制雨季施工方案，关键工序预留缓冲期", trigger: RiskTrigger(kind: .milestoneLate, days: 5)), at: 0)
            items.append(Item(description: "分部工程验收不合格", category: .quality, likelihood: 2, impact: 4,
                              mitigation: "隐蔽工程验收前自检，整改闭环后再报验", trigger: RiskTrigger(kind: .qualityFailed)))
        case .service:
            items.append(Item(description: "服务时限（SLA）违约率偏高", category: .customer, likelihood: 2, impact: 4,
                              mitigation: "按紧急程度派单，超时前预警升级", trigger: RiskTrigger(kind: .slaBreachRate, percent: 10)))
        case .other:
            break
        }
        return items
    }

    static let common: [Item] = [
        Item(description: "整体交付晚于合同约定日期", category: .schedule, likelihood: 2, impact: 5,
             mitigation: "每周复核关键路径，延误节点当日发起问题升级", trigger: RiskTrigger(kind: .forecastLate)),
        Item(description: "客户付款滞后", category: .payment, likelihood: 3, impact: 3,
             mitigation: "财务部到期前3日提醒，逾期3日内通报项目组并发函", trigger: RiskTrigger(kind: .paymentOverdue, days: 3)),
        Item(description: "进度未按周期更新，风险不可见", category: .resource, likelihood: 3, impact: 2,
             mitigation: "项目组按更新周期督促各责任部门填报跟踪表", trigger: RiskTrigger(kind: .updateStale)),
        Item(description: "客户需求变更", category: .customer, likelihood: 2, impact: 3,
             mitigation: "变更走书面确认流程，评估工期与费用影响后签署补充协议", trigger: RiskTrigger(kind: .manual)),
    ]
}
