@testable import App
import Fluent
import Foundation
import LvyueCore
import SQLKit
import Testing

/// Issue #8, bilingual: system-written text in the reader's language, locale-aware formats, and no visible text in a
/// template that does not come from the locale files.
@Suite struct BilingualTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // MARK: message keys

    /// Every message key a source file can emit, with each part its readers ask for, exists in both languages, and both
    /// languages place the same parameters.
    @Test func everyMessageKeyTheCodeEmitsExistsInBothLanguages() throws {
        let loc = try Localization.load(from: Resources.locales)
        let zh = try #require(loc.tables[.zhCN]), en = try #require(loc.tables[.en])
        // the keys written in the code — `Message("key"` or `Message(condition ? "key" : "other"` — found by reading the sources
        var emitted = Set<String>()
        let pattern = try NSRegularExpression(pattern: #"Message\((?:[^"\n]*?\?\s*)?"([a-z_.]+)"(?:\s*:\s*"([a-z_.]+)")?"#)
        for dir in ["Sources/App", "Sources/LvyueCore"] {
            let base = Self.packageRoot.appendingPathComponent(dir)
            let files = try #require(FileManager.default.enumerator(atPath: base.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
            for file in files {
                let text = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
                for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    for group in 1...2 { if let r = Range(m.range(at: group), in: text) { emitted.insert(String(text[r])) } }
                }
            }
        }
        #expect(emitted.count >= 25, "the source scan found \(emitted.count) keys")
        #expect(emitted.subtracting(MessageCatalog.parts.keys).sorted() == [], "keys emitted but not in MessageCatalog")
        #expect(Set(MessageCatalog.parts.keys).subtracting(emitted).sorted() == [], "keys in MessageCatalog that nothing emits")
        var missing: [String] = [], mismatched: [String] = []
        for (key, parts) in MessageCatalog.parts {
            for part in parts {
                let full = part.isEmpty ? key : "\(key).\(part)"
                if zh[full] == nil { missing.append("zh-CN " + full) }
                if en[full] == nil { missing.append("en " + full) }
                if let z = zh[full], let e = en[full], Self.placeholders(z) != Self.placeholders(e) { mismatched.append(full) }
            }
        }
        #expect(missing.sorted() == [])
        #expect(mismatched.sorted() == [], "zh-CN and en place different parameters")
        // every label a `{x:t:prefix}` placeholder can look up
        var labels: [String] = []
        labels += ServiceChannel.allCases.map { "svc_channel.\($0.rawValue)" }
        labels += FollowUpOutcome.allCases.map { "svc_outcome.\($0.rawValue)" }
        labels += ActionStatus.allCases.map { "ia_status.\($0.rawValue)" }
        labels += StandardClocks.all.map { "svc_clock.\($0.name)" }
        #expect(labels.filter { zh[$0] == nil || en[$0] == nil } == [])
    }

    static func placeholders(_ s: String) -> Set<String> {
        let re = try! NSRegularExpression(pattern: #"\{([^}]*)\}"#)
        return Set(re.matches(in: s, range: NSRange(s.startIndex..., in: s)).map { String(s[Range($0.range(at: 1), in: s)!]) })
    }

    @Test func aMessageRendersItsParametersPerLanguage() throws {
        let loc = try Localization.load(from: Resources.locales)
        let m = Message("alert.milestone_late_cause", ["contract": "HT-2026-001", "contract_title": "数控机床", "milestone": "生产",
                                                       "planned": "2026-03-11", "days": "3", "cause": "原材料供应滞后"])
        #expect(loc.strings(.zhCN).render(m, "reason") == "节点「生产」计划2026-03-11完成，已延迟3天，原因为原材料供应滞后")
        #expect(loc.strings(.en).render(m, "reason") == "Milestone 生产, planned for 11 Mar 2026, is 3 day(s) late; cause: 原材料供应滞后")
        // a trigger's reason inside a risk alert, and an enum label inside a note
        let risk = Message("alert.risk_fired", ["risk": "供应商延期交货", "reason_key": "trigger.payment_overdue", "payment": "预付款",
                                                "days": "12", "threshold": "10"])
        #expect(loc.strings(.zhCN).render(risk, "reason") == "付款节点「预付款」逾期12天（阈值10天）")
        #expect(loc.strings(.en).render(risk, "reason") == "Payment 预付款 is 12 day(s) overdue (threshold 10)")
        #expect(loc.strings(.en).render(Message("svc_note.received", ["channel": "email"])) == "Channel: Email")
        #expect(loc.strings(.zhCN).render(Message("svc_note.received", ["channel": "email"])) == "受理渠道：邮件")
        // a row written before keys existed, or with a key this version does not know, shows its stored text
        #expect(loc.strings(.en).text(nil, "title", stored: "旧预警") == "旧预警")
        #expect(loc.strings(.en).text(Message("alert.gone"), "title", stored: "旧预警") == "旧预警")
    }

    // MARK: alerts fired by the sweeper

    /// The sweeper fires a late-milestone alert; the alerts page reads it in Chinese and in English, the API keeps the
    /// stored Chinese text with the key and parameters.
    @Test func anAlertFiredByTheSweeperReadsInTheViewersLanguage() async throws {
        try await withTestApp { env in
            let c = try await env.makeContract(number: "HT-2026-801", customerName: "华东精密机械有限公司")
            _ = try await env.milestone(c, name: "出厂检验", planned: "2026-03-11")
            env.clock.set(shanghai("2026-03-14T10:00:00"))
            let report = try await env.sweep()
            #expect(report.alertsFired == 1)

            let browser = WebBrowser(env)
            try await browser.signIn()
            let zh = try await browser.get("/alerts?lang=zh-CN")
            #expect(zh.html.contains(">节点延迟：HT-2026-801 出厂检验</a>"))
            #expect(zh.html.contains(">节点「出厂检验」计划2026-03-11完成，已延迟3天</small>"))
            #expect(zh.html.contains(">2026-03-14 10:00</td>"))
            #expect(!zh.html.contains("Milestone late"))
            let en = try await browser.get("/alerts?lang=en")
            #expect(en.html.contains(">Milestone late: HT-2026-801 出厂检验</a>"))
            #expect(en.html.contains(">Milestone 出厂检验, planned for 11 Mar 2026, is 3 day(s) late</small>"))
            #expect(en.html.contains(">14 Mar 2026 10:00</td>"))
            #expect(!en.html.contains("节点延迟"))

            let api = try await env.api(.GET, "/alerts")
            let alert = try #require((api["items"] as? [[String: Any]])?.first)
            #expect(alert["title"] as? String == "节点延迟：HT-2026-801 出厂检验")
            #expect(alert["reason"] as? String == "节点「出厂检验」计划2026-03-11完成，已延迟3天")
            #expect(alert["message_key"] as? String == "alert.milestone_late")
            #expect(alert["message_params"] as? [String: String] == ["contract": "HT-2026-801", "contract_title": "数控机床供货合同",
                                                                     "milestone": "出厂检验", "planned": "2026-03-11", "days": "3"])
        }
    }

    /// Alerts written before message keys existed have only their text: every language shows it as it is.
    @Test func anOlderAlertWithoutAKeyShowsItsStoredText() async throws {
        try await withTestApp { env in
            let c = try await env.makeContract(number: "HT-2026-802", customerName: "华东精密机械有限公司")
            _ = try await env.milestone(c, planned: "2026-03-11")
            env.clock.set(shanghai("2026-03-14T10:00:00"))
            try await env.sweep()
            try await (env.app.db as! any SQLDatabase).raw("UPDATE alerts SET message_key = NULL, message_params = NULL, reason = 'legacy reason text'").run()
            let browser = WebBrowser(env)
            try await browser.signIn()
            #expect(try await browser.get("/alerts?lang=en").html.contains(">legacy reason text</small>"))
            #expect(try await browser.get("/alerts?lang=zh-CN").html.contains(">legacy reason text</small>"))
            let api = try await env.api(.GET, "/alerts")
            let alert = try #require((api["items"] as? [[String: Any]])?.first)
            #expect(alert["message_key"] == nil && alert["reason"] as? String == "legacy reason text")
        }
    }

    /// A fired risk's last reason reads in the viewer's language on the dashboard and on the contract's risk page; the
    /// API keeps the English reason with the key and parameters.
    @Test func aFiredRisksReasonReadsInTheViewersLanguage() async throws {
        try await withTestApp { env in
            let c = try await env.makeContract(number: "HT-2026-803", customerName: "华东精密机械有限公司")
            _ = try await env.milestone(c, name: "出厂检验", planned: "2026-03-11")
            let risk = try await env.risk(c, ["kind": "milestone_late", "days": 1]).id
            env.clock.set(shanghai("2026-03-14T10:00:00"))
            try await env.sweep()

            let browser = WebBrowser(env)
            try await browser.signIn()
            let zh = try await browser.get("/dashboard?lang=zh-CN")
            #expect(zh.html.contains(">风险值 9 · 节点「出厂检验」延迟3天（阈值1天）</small>"))
            #expect(!zh.html.contains("late by 3 day(s)"))
            let en = try await browser.get("/dashboard?lang=en")
            #expect(en.html.contains(">Score 9 · Milestone 出厂检验 is 3 day(s) late (threshold 1)</small>"))
            #expect(!en.html.contains("延迟3天"))
            let page = try await browser.get("/contracts/\(c)/monitor?lang=zh-CN")
            #expect(page.html.contains(">节点「出厂检验」延迟3天（阈值1天）</small>"))

            let api = try await env.api(.GET, "/risks/\(risk)")
            #expect(api["last_reason"] as? String == "milestone 出厂检验 late by 3 day(s) (threshold 1)")
            #expect(api["message_key"] as? String == "trigger.milestone_late")
            #expect(api["message_params"] as? [String: String] == ["milestone": "出厂检验", "days": "3", "threshold": "1"])
        }
    }

    // MARK: templates

    /// Letters or CJK in a template's text or in a title/placeholder/aria-label/alt attribute, outside `#(...)`
    /// expressions, are text that does not come from the locale files.
    @Test func templatesHaveNoLiteralVisibleText() throws {
        let base = Self.packageRoot.appendingPathComponent("Sources/App/Resources/Views")
        let files = try #require(FileManager.default.enumerator(atPath: base.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") }
        #expect(files.count >= 40)
        var findings: [String] = []
        for file in files.sorted() {
            let source = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
            for text in TemplateText.visibleLiterals(source) where !TemplateText.allowed.contains(text) {
                findings.append("\(file): \(text)")
            }
        }
        #expect(findings == [])
    }

    @Test func theTemplateScannerFindsLiteralText() {
        let found = TemplateText.visibleLiterals("""
            <h1>#(t.title)</h1><p>Hello</p><input placeholder="搜索" aria-label="#(t.search)"><img alt="logo">
            #if(x == "a"):<b>#(count(y))</b>#endif <a title="Open">#t("k")</a> <!-- a comment --> #(a) · #(b)
            """)
        #expect(found == ["Hello", "搜索", "logo", "Open"])
    }

    // MARK: formats

    @Test func datesAndTimesPerLocaleInTheCompanyZone() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let zh = Formats(.zhCN, zone: zone), en = Formats(.en, zone: zone)
        let day = try #require(LocalDate(iso: "2026-11-29"))
        #expect(zh.day(day) == "2026-11-29")
        #expect(en.day(day) == "29 Nov 2026")
        #expect(zh.longDay(day) == "2026年11月29日")
        #expect(en.longDay(day) == "29 November 2026")
        #expect(zh.day("2026-01-05") == "2026-01-05" && en.day("2026-01-05") == "5 Jan 2026")
        #expect(en.day(nil as String?) == "—" && en.day("") == "—" && en.day("soon") == "soon")
        // 2026-09-30 16:30 UTC is already 1 October in Shanghai: the day, the time and the quarter are Shanghai's
        let boundary = try #require(JSONCoding.parseInstant("2026-09-30T16:30:00Z"))
        #expect(zh.time(boundary) == "2026-10-01 00:30")
        #expect(en.time(boundary) == "1 Oct 2026 00:30")
        #expect(zh.quarter(of: boundary) == "2026年第4季度")
        #expect(en.quarter(of: boundary) == "Q4 2026")
        let before = try #require(JSONCoding.parseInstant("2026-09-30T15:59:00Z"))
        #expect(zh.time(before) == "2026-09-30 23:59")
        #expect(en.quarter(of: before) == "Q3 2026")
        #expect(zh.time(nil) == "—")
        #expect(en.time(iso: "2026-03-12T10:00:00+08:00") == "12 Mar 2026 10:00")
    }

    @Test func moneyIsExactGroupedAndSignedPerLocale() {
        let zh = Formats(.zhCN), en = Formats(.en)
        #expect(zh.money(123_456_700, "CNY") == "¥1,234,567.00")
        #expect(en.money(123_456_700, "CNY") == "CNY 1,234,567.00")
        #expect(zh.money(-123_405, "CNY") == "-¥1,234.05")
        #expect(en.money(-123_405, "CNY") == "CNY -1,234.05")
        // the largest amount a contract can hold, to the fen
        #expect(zh.money(99_999_999_999_999_999, "CNY") == "¥999,999,999,999,999.99")
        #expect(en.money(1, "usd") == "USD 0.01")
        #expect(zh.money(250_000, "USD") == "USD 2,500.00")
        #expect(zh.money(0, "CNY") == "¥0.00")
        #expect(en.amount("-1234.5") == "-1,234.50" && en.amount("n/a") == "n/a")
    }

    @Test func numbersAndPercentages() {
        let f = Formats(.en)
        #expect(f.number(1234.5) == "1,234.5")
        #expect(f.number(1_234_567) == "1,234,567")
        #expect(f.number(-2.0) == "-2")
        #expect(f.number(0.125) == "0.13")
        #expect(f.number(-0.001) == "0")
        #expect(f.number(-1_000_000) == "-1,000,000")
        #expect(f.percent(45.4) == "45%" && f.percent(99.5) == "100%" && f.percent(.nan) == "—")
        #expect(Formats(.zhCN).number(12.5) == "12.5")
    }
}
