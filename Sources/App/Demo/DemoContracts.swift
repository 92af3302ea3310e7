import LvyueCore

/// The six demo contracts. Offsets are days relative to each contract's start, which is relative to today.
enum DemoContracts {
    struct MilestoneSpec {
        var name: String
        var weight: Double
        var plannedOffset: Int
        var actualOffset: Int?
        var progress: Int
        var department: String
        var cause: DelayCause? = nil
        var reason: String? = nil
        var nextStep: String? = nil
    }

    struct PaymentSpec {
        var name: String
        var amount: String
        var dueOffset: Int
        var received: Bool
        var milestone: Int?
    }

    struct Spec {
        var number: String
        var title: String
        var customer: Int
        var category: ContractCategory
        var amount: String
        var status: ContractStatus
        var startOffset: Int
        var durationDays: Int
        var cadence: Int
        var summary: String
        var clauses: [(String, ClauseCategory, String, Int?)]
        var responsibilities: [(ClauseCategory, String, String, String, Int?, ResponsibilityStatus, [String])]
        var milestones: [MilestoneSpec]
        var payments: [PaymentSpec]
    }

    static let manufacturingClauses: [(String, ClauseCategory, String, Int?)] = [
        ("第3.1条", .delivery, "乙方应于合同生效后120日内将全部设备运抵甲方指定地点并完成安装调试。", 120),
        ("第4.2条", .quality, "设备性能须符合GB/T 19001质量体系及技术协议附件一所列参数，关键部件质保期不少于12个月。", nil),
        ("第5.1条", .acceptance, "设备到货后15日内由甲乙双方共同进行现场验收，验收合格后签署验收报告。", 135),
        ("第6.1条", .payment, "合同生效后支付30%预付款，到货验收后支付60%，质保期满支付10%尾款。", nil),
        ("第9.3条", .liability, "乙方逾期交货的，每逾期一日按合同总额的0.5‰支付违约金，累计不超过合同总额的5%。", nil),
    ]

    static let manufacturingResponsibilities: [(ClauseCategory, String, String, String, Int?, ResponsibilityStatus, [String])] = [
        (.delivery, "project", "liqiang", "项目组负责按计划组织生产、出厂检验与发运，每周更新节点进度。", 120, .inProgress, ["technical"]),
        (.quality, "technical", "zhaolei", "技术部负责提供产品技术参数，编制出厂检验规程并参与现场验收。", 110, .inProgress, ["project"]),
        (.acceptance, "project", "liqiang", "项目组牵头组织客户现场验收，收集并归档验收报告。", 135, .pending, ["technical", "service"]),
        (.payment, "finance", "chenjing", "财务部按付款节点开具发票并跟踪回款，逾期三日内通报项目组。", nil, .inProgress, ["legal"]),
        (.liability, "legal", "wangfang", "法务部跟踪违约条款触发情况，必要时出具书面函件。", nil, .pending, ["project"]),
    ]

    static let all: [Spec] = [
        Spec(number: "HT-2026-0012", title: "五轴联动数控加工中心供货合同", customer: 0, category: .manufacturing, amount: "3860000.00",
             status: .active, startOffset: -60, durationDays: 150, cadence: 7,
             summary: "供货4台五轴加工中心，含安装调试与操作培训。",
             clauses: manufacturingClauses, responsibilities: manufacturingResponsibilities,
             milestones: [
                MilestoneSpec(name: "原材料采购完成", weight: 20, plannedOffset: 30, actualOffset: 33, progress: 100, department: "project",
                              cause: .rawMaterial, reason: "主轴轴承进口件到货滞后", nextStep: "已启动生产，跟踪装配进度"),
                MilestoneSpec(name: "生产进度50%", weight: 30, plannedOffset: 57, actualOffset: nil, progress: 40, department: "project",
                              cause: .rawMaterial, reason: "原材料供应滞后", nextStep: "增加装配班组，周末加班追赶进度"),
                MilestoneSpec(name: "出厂检验合格", weight: 20, plannedOffset: 90, actualOffset: nil, progress: 0, department: "technical"),
                MilestoneSpec(name: "客户现场验收", weight: 30, plannedOffset: 135, actualOffset: nil, progress: 0, department: "project"),
             ],
             payments: [
                PaymentSpec(name: "预付款30%", amount: "1158000.00", dueOffset: 5, received: true, milestone: nil),
                PaymentSpec(name: "到货验收款60%", amount: "2316000.00", dueOffset: 140, received: false, milestone: 3),
                PaymentSpec(name: "质保金10%", amount: "386000.00", dueOffset: 500, received: false, milestone: nil),
             ]),
        Spec(number: "HT-2026-0018", title: "自动化装配线改造项目合同", customer: 0, category: .manufacturing, amount: "1520000.00",
             status: .active, startOffset: -25, durationDays: 90, cadence: 14,
             summary: "既有装配线自动化改造，含机器人工作站两套。",
             clauses: manufacturingClauses, responsibilities: manufacturingResponsibilities,
             milestones: [
                MilestoneSpec(name: "方案设计确认", weight: 15, plannedOffset: 10, actualOffset: 9, progress: 100, department: "technical"),
                MilestoneSpec(name: "机器人及夹具采购完成", weight: 25, plannedOffset: 30, actualOffset: nil, progress: 70, department: "project",
                              nextStep: "催交夹具供应商"),
                MilestoneSpec(name: "现场安装调试", weight: 35, plannedOffset: 60, actualOffset: nil, progress: 0, department: "technical"),
                MilestoneSpec(name: "试生产及验收", weight: 25, plannedOffset: 85, actualOffset: nil, progress: 0, department: "project"),
             ],
             payments: [
                PaymentSpec(name: "预付款30%", amount: "456000.00", dueOffset: 7, received: true, milestone: nil),
                PaymentSpec(name: "验收款70%", amount: "1064000.00", dueOffset: 90, received: false, milestone: 3),
             ]),
        Spec(number: "HT-2025-0131", title: "变电站智能巡检系统运维服务合同", customer: 1, category: .service, amount: "680000.00",
             status: .inService, startOffset: -200, durationDays: 365, cadence: 14,
             summary: "12个月运维服务：7×24小时故障响应、季度巡检、软件升级。",
             clauses: [
                ("第2.1条", .delivery, "服务期自验收合格之日起12个月，提供7×24小时故障响应。", nil),
                ("第3.2条", .quality, "紧急故障2小时内响应、4小时内到场；一般需求4小时内响应、24小时内给出解决方案。", nil),
                ("第5.1条", .payment, "服务费按季度支付，每季度首月15日前支付当季服务费。", nil),
             ],
             responsibilities: [
                (.delivery, "service", "liuyang", "客服部发送服务启动通知，受理并记录服务需求。", nil, .inProgress, ["technical"]),
                (.quality, "technical", "zhaolei", "技术部提供远程支持与现场技术保障。", nil, .inProgress, ["service"]),
                (.payment, "finance", "chenjing", "财务部按季度开票并跟踪回款。", nil, .inProgress, []),
             ],
             milestones: [
                MilestoneSpec(name: "系统上线验收", weight: 40, plannedOffset: 0, actualOffset: 2, progress: 100, department: "technical",
                              cause: .customer, reason: "客户现场停电检修，验收顺延", nextStep: "转入运维服务期"),
                MilestoneSpec(name: "第一次季度巡检", weight: 30, plannedOffset: 90, actualOffset: 90, progress: 100, department: "service"),
                MilestoneSpec(name: "第二次季度巡检", weight: 30, plannedOffset: 180, actualOffset: 183, progress: 100, department: "service",
                              cause: .weather, reason: "台风天气延后巡检", nextStep: "准备第三次巡检"),
             ],
             payments: [
                PaymentSpec(name: "第一季度服务费", amount: "170000.00", dueOffset: 15, received: true, milestone: nil),
                PaymentSpec(name: "第二季度服务费", amount: "170000.00", dueOffset: 105, received: true, milestone: nil),
                PaymentSpec(name: "第三季度服务费", amount: "170000.00", dueOffset: 195, received: false, milestone: nil),
             ]),
        Spec(number: "HT-2026-0007", title: "配电自动化终端供货及安装合同", customer: 1, category: .manufacturing, amount: "2240000.00",
             status: .delivered, startOffset: -120, durationDays: 110, cadence: 7,
             summary: "配电自动化终端(DTU)200台供货及安装。",
             clauses: manufacturingClauses, responsibilities: manufacturingResponsibilities,
             milestones: [
                MilestoneSpec(name: "原材料采购完成", weight: 20, plannedOffset: 20, actualOffset: 20, progress: 100, department: "project"),
                MilestoneSpec(name: "生产完成", weight: 30, plannedOffset: 60, actualOffset: 64, progress: 100, department: "project",
                              cause: .supplier, reason: "外协电源模块供应商交期延误", nextStep: "已引入备用供应商"),
                MilestoneSpec(name: "出厂检验合格", weight: 20, plannedOffset: 75, actualOffset: 76, progress: 100, department: "technical",
                              cause: .quality, reason: "首批抽检绝缘耐压不合格，返工后复检通过"),
                MilestoneSpec(name: "现场安装验收", weight: 30, plannedOffset: 105, actualOffset: 108, progress: 100, department: "project",
                              cause: .logistics, reason: "物流运输受阻", nextStep: "移交客服部启动后期服务"),
             ],
             payments: [
                PaymentSpec(name: "预付款30%", amount: "672000.00", dueOffset: 5, received: true, milestone: nil),
                PaymentSpec(name: "到货款60%", amount: "1344000.00", dueOffset: 112, received: false, milestone: 3),
                PaymentSpec(name: "质保金10%", amount: "224000.00", dueOffset: 480, received: false, milestone: nil),
             ]),
        Spec(number: "HT-2026-0021", title: "研发中心综合楼机电安装工程合同", customer: 2, category: .construction, amount: "12800000.00",
             status: .active, startOffset: -45, durationDays: 240, cadence: 7,
             summary: "综合楼给排水、暖通、电气及智能化安装工程。",
             clauses: [
                ("第1.4条", .delivery, "总工期240日历天，以开工令载明日期为开工日期。", 240),
                ("第7.2条", .quality, "工程质量达到GB 50300合格标准，争创省级优质工程。", nil),
                ("第8.1条", .acceptance, "分部工程验收合格后方可进入下一道工序，竣工验收按国家规定执行。", 235),
                ("第12.1条", .payment, "按月计量支付已完工程量的80%，竣工结算后付至97%，余款为质保金。", nil),
                ("第15.2条", .liability, "因承包人原因工期延误的，每日支付违约金合同价的0.3‰。", nil),
             ],
             responsibilities: [
                (.delivery, "project", "liqiang", "项目部编制施工总进度计划并按周报送进度。", 240, .inProgress, ["technical"]),
                (.quality, "technical", "zhaolei", "技术部负责施工方案审核、隐蔽工程验收和材料检验。", nil, .inProgress, ["project"]),
                (.acceptance, "project", "liqiang", "项目部组织分部分项工程验收并整理竣工资料。", 235, .pending, ["technical", "legal"]),
                (.payment, "finance", "chenjing", "财务部按月办理计量支付和回款跟踪。", nil, .inProgress, ["project"]),
                (.liability, "legal", "wangfang", "法务部审核工期签证与索赔文件。", nil, .pending, []),
             ],
             milestones: [
                MilestoneSpec(name: "施工准备及进场", weight: 10, plannedOffset: 10, actualOffset: 12, progress: 100, department: "project",
                              cause: .policy, reason: "施工许可证办理延后"),
                MilestoneSpec(name: "预埋及管线敷设完成", weight: 25, plannedOffset: 40, actualOffset: nil, progress: 65, department: "project",
                              cause: .resource, reason: "劳务班组人员不足", nextStep: "增派两个劳务班组"),
                MilestoneSpec(name: "设备安装完成", weight: 35, plannedOffset: 150, actualOffset: nil, progress: 0, department: "project"),
                MilestoneSpec(name: "系统联调", weight: 15, plannedOffset: 200, actualOffset: nil, progress: 0, department: "technical"),
                MilestoneSpec(name: "竣工验收", weight: 15, plannedOffset: 235, actualOffset: nil, progress: 0, department: "project"),
             ],
             payments: [
                PaymentSpec(name: "工程预付款10%", amount: "1280000.00", dueOffset: 7, received: true, milestone: nil),
                PaymentSpec(name: "第一期进度款", amount: "1536000.00", dueOffset: 35, received: false, milestone: nil),
                PaymentSpec(name: "第二期进度款", amount: "1920000.00", dueOffset: 65, received: false, milestone: nil),
             ]),
        Spec(number: "HT-2026-0025", title: "厂区消防系统升级改造工程合同", customer: 2, category: .construction, amount: "960000.00",
             status: .draft, startOffset: 10, durationDays: 75, cadence: 14,
             summary: "厂区消防报警及喷淋系统升级，合同待审批。",
             clauses: [
                ("第1.1条", .delivery, "工期75日历天。", 75),
                ("第4.1条", .acceptance, "竣工后报消防主管部门验收。", 75),
             ],
             responsibilities: [
                (.delivery, "project", "liqiang", "项目部编制施工计划。", 5, .pending, []),
             ],
             milestones: [
                MilestoneSpec(name: "图纸会审", weight: 20, plannedOffset: 5, actualOffset: nil, progress: 0, department: "technical"),
                MilestoneSpec(name: "施工完成", weight: 60, plannedOffset: 60, actualOffset: nil, progress: 0, department: "project"),
                MilestoneSpec(name: "消防验收", weight: 20, plannedOffset: 75, actualOffset: nil, progress: 0, department: "project"),
             ],
             payments: [
                PaymentSpec(name: "预付款20%", amount: "192000.00", dueOffset: 5, received: false, milestone: nil),
             ]),
    ]
}
