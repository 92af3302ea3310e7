import Foundation

/// The dashboard's one-line summary of a contract in the standard's words (issue #4):
/// "整体进度75%，其中生产环节延迟3天，原因为原材料供应滞后".
public enum ProgressSummary {
    public enum Language: String, Sendable, CaseIterable {
        case zhCN = "zh-CN"
        case en
    }

    public struct Delay: Sendable, Hashable {
        public var milestone: String
        public var days: Int
        /// The recorded reason text (模板2 延迟原因), preferred over the category.
        public var reason: String?
        /// The delay-cause category (raw value of the app's DelayCause), used when no reason text exists.
        public var cause: String?

        public init(milestone: String, days: Int, reason: String? = nil, cause: String? = nil) {
            self.milestone = milestone
            self.days = days
            self.reason = reason
            self.cause = cause
        }
    }

    /// Labels of the delay-cause categories.
    public static let causeLabels: [String: (zh: String, en: String)] = [
        "raw_material": ("原材料供应滞后", "raw material supply lagged"),
        "supplier": ("供应商延期", "a supplier was late"),
        "production": ("生产排期延误", "production scheduling slipped"),
        "design_change": ("设计变更", "the design changed"),
        "customer": ("客户原因", "of the customer"),
        "quality": ("质量问题返工", "of quality rework"),
        "logistics": ("物流运输延误", "logistics were delayed"),
        "weather": ("天气影响", "of the weather"),
        "policy": ("政策影响", "of a policy change"),
        "resource": ("资源不足", "resources were short"),
        "other": ("其他原因", "of other causes"),
    ]

    /// - Parameters:
    ///   - progress: weighted completion, 0…100 (rounded to a whole percent).
    ///   - delays: late milestones; the two with the most days are named, the rest counted.
    public static func sentence(progress: Double, delays: [Delay], language: Language) -> String {
        let percent = Int(min(100, max(0, progress)).rounded())
        let late = delays.filter { $0.days > 0 }.sorted { ($0.days, $1.milestone) > ($1.days, $0.milestone) }
        let named = late.prefix(2)
        switch language {
        case .zhCN:
            var s = "整体进度\(percent)%"
            if late.isEmpty { return s + "，各节点按计划推进" }
            let parts = named.map { d -> String in
                var p = stage(d.milestone) + "延迟\(d.days)天"
                if let why = why(d, zh: true) { p += "，原因为" + why }
                return p
            }
            s += "，其中" + parts.joined(separator: "；")
            if late.count > named.count { s += "；另有\(late.count - named.count)个节点延迟" }
            return s
        case .en:
            var s = "Overall progress \(percent)%"
            if late.isEmpty { return s + "; all milestones on schedule" }
            let parts = named.map { d -> String in
                var p = "\(d.milestone) is \(d.days) day\(d.days == 1 ? "" : "s") late"
                if let why = why(d, zh: false) { p += (d.reason != nil ? ": " : " because ") + why }
                return p
            }
            s += "; " + parts.joined(separator: "; ")
            if late.count > named.count {
                let n = late.count - named.count
                s += "; \(n) more milestone\(n == 1 ? "" : "s") late"
            }
            return s
        }
    }

    /// "生产" → "生产环节"; names already ending in 环节/节点/阶段 are kept.
    static func stage(_ name: String) -> String {
        ["环节", "节点", "阶段"].contains(where: { name.hasSuffix($0) }) ? name : name + "环节"
    }

    static func why(_ d: Delay, zh: Bool) -> String? {
        if let r = d.reason?.trimmingCharacters(in: .whitespacesAndNewlines), !r.isEmpty { return r }
        guard let c = d.cause, let label = causeLabels[c] else { return nil }
        return zh ? label.zh : label.en
    }
}
