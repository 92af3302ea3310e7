import Foundation
import LvyueCore

/// The built-in content, seeded as version 1 of every template (in force from the start). Risk checklists, work
/// instructions and the SLA policy are the rules lvyue already applied, so seeding them changes no behaviour;
/// responsibility defaults and milestone plans are the standard's examples (交货、质量、验收、付款、违约 →
/// 法务/项目/技术/财务; 原材料采购 → 生产50% → 出厂检验 → 现场验收).
enum TemplateDefaults {
    struct Seed {
        var kind: TemplateKind
        var scope: String
        var name: String
        var rows: [[String]]
    }

    static let categoryName: [ContractCategory: String] = [.manufacturing: "制造类", .service: "服务类", .construction: "工程建设类", .other: "其他"]

    static func all(workInstructions: [RequestType: (title: String, items: [InstructionItem], toolkit: [ToolkitItem])]) -> [Seed] {
        var seeds: [Seed] = []
        for c in ContractCategory.allCases {
            seeds.append(Seed(kind: .responsibility, scope: c.rawValue, name: "\(categoryName[c]!)合同责任分工默认表", rows: responsibilities(c)))
            seeds.append(Seed(kind: .milestonePlan, scope: c.rawValue, name: "\(categoryName[c]!)合同履约节点计划", rows: milestones(c)))
            seeds.append(Seed(kind: .riskChecklist, scope: c.rawValue, name: "\(categoryName[c]!)合同风险预判清单",
                              rows: RiskChecklist.items(for: c).map(riskRow)))
        }
        for d in DefaultWorkInstructions.all {
            let wi = workInstructions[d.type] ?? (d.title, d.items, d.toolkit)
            seeds.append(Seed(kind: .workInstruction, scope: d.type.rawValue, name: wi.title, rows: instructionRows(wi.items, wi.toolkit)))
        }
        seeds.append(Seed(kind: .satisfactionSurvey, scope: "default", name: "客户满意度评价表", rows: survey))
        seeds.append(Seed(kind: .slaPolicy, scope: "default", name: "服务时限（SLA）策略", rows: StandardClocks.all.map(slaRow)))
        return seeds
    }

    static func responsibilities(_ c: ContractCategory) -> [[String]] {
        switch c {
        case .manufacturing:
            return [["delivery", "交货时间及地点", "project", "编制生产与发运计划，按合同约定日期交货", "7"],
                    ["quality", "质量标准与技术要求", "technical", "技术交底，制定检验方案并组织出厂检验", "14"],
                    ["acceptance", "验收流程", "project", "组织现场验收，取得客户签署的验收证书", ""],
                    ["payment", "付款节点", "finance", "按节点开具发票，跟踪回款并提醒逾期", ""],
                    ["liability", "违约责任", "legal", "解读违约条款，评估违约风险并出具法律意见", "3"]]
        case .construction:
            return [["delivery", "工期与里程碑", "project", "编制施工组织设计与进度计划", "7"],
                    ["quality", "工程质量标准", "technical", "组织隐蔽工程与分部工程自检", "14"],
                    ["acceptance", "竣工验收", "project", "组织竣工验收并整理竣工资料", ""],
                    ["payment", "进度款与结算", "finance", "按月申报进度款，跟踪结算", ""],
                    ["liability", "违约与索赔", "legal", "评估工期与质量违约风险，管理索赔文件", "3"]]
        case .service:
            return [["delivery", "服务范围与期限", "service", "编制服务计划，发送后期服务启动通知", "3"],
                    ["quality", "服务标准（SLA）", "service", "按时限响应与处理服务需求", ""],
                    ["payment", "服务费支付", "finance", "按期开具服务费发票并跟踪回款", ""],
                    ["liability", "违约责任", "legal", "评估服务违约风险", "5"]]
        case .other:
            return [["delivery", "交付内容与时间", "project", "编制交付计划并跟踪执行", "7"],
                    ["payment", "付款节点", "finance", "按节点开具发票并跟踪回款", ""],
                    ["liability", "违约责任", "legal", "解读违约条款，评估违约风险", "3"]]
        }
    }

    static func milestones(_ c: ContractCategory) -> [[String]] {
        switch c {
        case .manufacturing:
            return [["原材料采购完成", "20", "20", "working_days", "project"],
                    ["生产完成50%", "20", "40", "working_days", "project"],
                    ["出厂检验通过", "20", "50", "working_days", "technical"],
                    ["发货到场", "15", "60", "working_days", "project"],
                    ["现场验收通过", "25", "70", "working_days", "project"]]
        case .construction:
            return [["施工准备完成", "10", "15", "days", "project"],
                    ["基础工程完成", "25", "60", "days", "project"],
                    ["主体工程完成", "35", "120", "days", "project"],
                    ["竣工验收通过", "30", "150", "days", "project"]]
        case .service:
            return [["服务启动", "20", "5", "working_days", "service"],
                    ["首次季度巡检完成", "40", "90", "days", "service"],
                    ["年度服务评估", "40", "360", "days", "project"]]
        case .other:
            return [["项目启动", "30", "10", "working_days", "project"],
                    ["交付完成", "40", "60", "days", "project"],
                    ["验收通过", "30", "90", "days", "project"]]
        }
    }

    static func riskRow(_ i: RiskChecklist.Item) -> [String] {
        [i.description, i.category.rawValue, String(i.likelihood), String(i.impact), i.mitigation, i.trigger.kind.rawValue,
         i.trigger.days.map(String.init) ?? "", i.trigger.percent.map { TemplateContent.number($0) } ?? ""]
    }

    static func instructionRows(_ items: [InstructionItem], _ toolkit: [ToolkitItem]) -> [[String]] {
        items.map { ["step", $0.text, $0.mandatory ? "yes" : "no", "", ""] }
            + toolkit.map { ["tool", $0.name, "", $0.category.rawValue, $0.quantity.map(String.init) ?? ""] }
    }

    static func slaRow(_ d: ClockDefinition) -> [String] {
        [d.name, d.target.unit, String(d.target.value), d.calendarId ?? "", TemplateContent.number(d.warningRatio)]
    }

    static let survey: [[String]] = [
        ["speed", "响应速度", "Response speed", "服务响应是否及时？"],
        ["solving", "解决问题能力", "Problem solving", "问题是否得到彻底解决？"],
        ["attitude", "服务态度", "Attitude", "服务人员态度是否友好、耐心？"],
        ["professionalism", "专业性", "Professionalism", "服务人员是否专业、规范？"],
    ]
}
