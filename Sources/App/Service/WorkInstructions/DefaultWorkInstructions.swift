/// The seeded 后期服务作业指导书, one per request type. Fault diagnosis follows the standard's rule:
/// 先电源后系统、先软件后硬件 (power before system, software before hardware).
enum DefaultWorkInstructions {
    struct Default {
        var type: RequestType
        var title: String
        var items: [InstructionItem]
        var toolkit: [ToolkitItem]
    }

    static let recordForms: [ToolkitItem] = [
        ToolkitItem(name: "后期服务需求处理记录表（模板4）", category: .recordForm, quantity: 2),
        ToolkitItem(name: "客户满意度评价表", category: .recordForm, quantity: 1),
    ]

    static let all: [Default] = [
        Default(type: .faultRepair, title: "故障报修作业指导书", items: [
            InstructionItem(text: "与客户确认故障现象、发生时间及影响范围", mandatory: true),
            InstructionItem(text: "先电源：检查供电电压、电源模块及接线是否正常", mandatory: true),
            InstructionItem(text: "后系统：检查系统运行状态、告警及日志", mandatory: true),
            InstructionItem(text: "先软件：核对软件版本与参数配置，必要时重启服务", mandatory: true),
            InstructionItem(text: "后硬件：检测板卡、接口及传感器，必要时更换备件", mandatory: true),
            InstructionItem(text: "修复后试运行并与客户共同确认功能恢复", mandatory: true),
            InstructionItem(text: "清理现场，记录更换备件型号与序列号", mandatory: false),
        ], toolkit: [
            ToolkitItem(name: "数字万用表", category: .testEquipment, quantity: 1),
            ToolkitItem(name: "绝缘电阻测试仪", category: .testEquipment, quantity: 1),
            ToolkitItem(name: "笔记本电脑（含维护软件）", category: .testEquipment, quantity: 1),
            ToolkitItem(name: "电源模块备件", category: .sparePart, quantity: 1),
            ToolkitItem(name: "通信板卡备件", category: .sparePart, quantity: 1),
        ] + recordForms),
        Default(type: .consultation, title: "技术咨询作业指导书", items: [
            InstructionItem(text: "记录客户问题及所涉设备型号、软件版本", mandatory: true),
            InstructionItem(text: "查阅产品手册与知识库，必要时请技术部会诊", mandatory: false),
            InstructionItem(text: "以书面形式答复客户并确认已理解", mandatory: true),
        ], toolkit: recordForms),
        Default(type: .upgrade, title: "升级服务作业指导书", items: [
            InstructionItem(text: "与客户确认升级窗口并告知影响", mandatory: true),
            InstructionItem(text: "升级前完整备份配置与数据", mandatory: true),
            InstructionItem(text: "核对升级包版本与校验值", mandatory: true),
            InstructionItem(text: "执行升级并验证主要功能", mandatory: true),
            InstructionItem(text: "准备回退方案，异常时回退", mandatory: false),
        ], toolkit: [
            ToolkitItem(name: "笔记本电脑（含升级工具）", category: .testEquipment, quantity: 1),
            ToolkitItem(name: "升级介质（U盘）", category: .other, quantity: 1),
        ] + recordForms),
        Default(type: .inspection, title: "季度巡检作业指导书", items: [
            InstructionItem(text: "提前3个工作日与客户确认巡检时间", mandatory: true),
            InstructionItem(text: "检查设备外观、接线及运行环境（温湿度、清洁）", mandatory: true),
            InstructionItem(text: "检查电源与接地", mandatory: true),
            InstructionItem(text: "检查系统日志、告警记录及软件版本", mandatory: true),
            InstructionItem(text: "测试关键功能与通信", mandatory: true),
            InstructionItem(text: "出具巡检报告并请客户签字", mandatory: true),
        ], toolkit: [
            ToolkitItem(name: "数字万用表", category: .testEquipment, quantity: 1),
            ToolkitItem(name: "红外测温仪", category: .testEquipment, quantity: 1),
            ToolkitItem(name: "巡检记录表", category: .recordForm, quantity: 1),
        ] + recordForms),
        Default(type: .training, title: "培训服务作业指导书", items: [
            InstructionItem(text: "与客户确认培训对象、时间与内容", mandatory: true),
            InstructionItem(text: "准备培训教材与演示环境", mandatory: true),
            InstructionItem(text: "完成培训并组织答疑", mandatory: true),
            InstructionItem(text: "请学员签到并收集培训反馈", mandatory: false),
        ], toolkit: [ToolkitItem(name: "培训教材", category: .other, quantity: 10)] + recordForms),
        Default(type: .other, title: "其他服务作业指导书", items: [
            InstructionItem(text: "记录需求并与客户确认服务范围", mandatory: true),
            InstructionItem(text: "完成服务并请客户确认", mandatory: true),
        ], toolkit: recordForms),
    ]
}
