/// The header rows of the exported forms: DESIGN.md §2, in its order. Where §2 puts two values in one column they are
/// split: 客户签字 (signer) and 签字时间; 满意度 into its four dimensions. The satisfaction records lead with the
/// request they rate (需求编号, 客户, 合同编号, 评价时间) before the form's own columns.
enum ExportColumns {
    static func of(_ form: ExportForm) -> [XlsxColumn] {
        switch form {
        case .contracts: contracts
        case .responsibilities: responsibilities
        case .milestones: milestones
        case .risks: risks
        case .escalations: escalations
        case .serviceRequests: serviceRequests
        case .satisfaction: satisfaction
        }
    }

    static let contractNo = XlsxColumn(header: "合同编号", width: 18)

    /// The contract's own fields (the import reads the same columns).
    static let contracts = [
        contractNo, c("合同名称", 30), c("客户", 24), c("类别", 10), c("金额", 16), c("币种", 6), c("签订日期", 12), c("开始日期", 12),
        c("结束日期", 12), c("状态", 10), c("负责人", 12), c("责任部门", 14), c("更新周期（天）", 10), c("合同说明", 40),
    ]

    static let responsibilities = [
        contractNo, c("条款类别", 12), c("条款内容", 40), c("责任部门", 14), c("责任人", 12), c("具体职责", 40),
        c("完成时限", 12), c("协作部门", 20), c("状态", 10),
    ]

    static let milestones = [
        contractNo, c("节点", 24), c("权重", 8), c("计划完成时间", 14), c("实际完成时间", 14), c("状态", 12), c("延迟天数", 10),
        c("延迟原因类别", 14), c("延迟原因", 30), c("下一步计划", 30), c("责任部门", 14), c("更新时间", 20),
    ]

    static let risks = [
        contractNo, c("风险描述", 40), c("类别", 10), c("可能性", 8), c("影响", 8), c("触发条件", 30), c("应对措施", 40),
        c("责任人", 12), c("状态", 10),
    ]

    static let escalations = [
        c("问题编号", 16), contractNo, c("发现时间", 20), c("上报时间", 20), c("问题详情", 40), c("影响范围", 30),
        c("初步解决方案", 30), c("级别", 6), c("协调部门", 20), c("处理时限", 20), c("处理结果", 30), c("闭环时间", 20), c("状态", 10),
    ]

    static let serviceRequests = [
        c("需求编号", 16), c("客户", 24), contractNo, c("渠道", 10), c("类型", 10), c("紧急程度", 10), c("受理时间", 20),
        c("确认时间", 20), c("响应时间", 20), c("远程支持时间", 20), c("到场时间", 20), c("解决时间", 20), c("处理人", 12),
        c("处理过程", 40), c("客户签字", 12), c("签字时间", 20), c("满意度-响应速度", 10), c("满意度-解决问题能力", 10),
        c("满意度-服务态度", 10), c("满意度-专业性", 10), c("回访时间", 20), c("异议及处理", 40),
    ]

    static let satisfaction = [
        c("需求编号", 16), c("客户", 24), contractNo, c("评价时间", 20), c("响应速度", 10), c("解决问题能力", 12), c("服务态度", 10),
        c("专业性", 10), c("意见", 40),
    ]

    private static func c(_ header: String, _ width: Double) -> XlsxColumn { XlsxColumn(header: header, width: width) }
}
