import Foundation
@testable import App
import LvyueCore
import Testing

/// The two locale files must offer the same keys, and every enum value the UI shows must have a label.
/// No database: these read the bundled JSON files only.
@Suite struct LocaleTests {
    @Test func bothLanguagesHaveTheSameKeys() throws {
        // given
        let keys = try Localization.allKeys()
        // then
        let zh = try #require(keys[.zhCN])
        let en = try #require(keys[.en])
        #expect(!zh.isEmpty)
        #expect(zh.subtracting(en).sorted() == [], "keys only in zh-CN.json")
        #expect(en.subtracting(zh).sorted() == [], "keys only in en.json")
    }

    @Test func capabilityLocaleFilesAreMergedAndMayNotRedefineAKey() throws {
        // given a base file and a capability file per language
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("locales-\(UUID().uuidString)")
        for lang in Lang.allCases {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(lang.rawValue), withIntermediateDirectories: true)
            try Data(#"{"a": "A"}"#.utf8).write(to: dir.appendingPathComponent("\(lang.rawValue).json"))
            try Data(#"{"b": "B"}"#.utf8).write(to: dir.appendingPathComponent("\(lang.rawValue)/reports.json"))
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        // then both are read
        #expect(try Localization.load(from: dir.path).strings(.en)["b"] == "B")
        // and a second definition of a key is refused
        try Data(#"{"a": "again"}"#.utf8).write(to: dir.appendingPathComponent("en/x.json"))
        #expect(throws: Localization.LocaleFileError.self) { try Localization.load(from: dir.path) }
    }

    @Test func everyEnumValueShownInTheUIHasALabel() throws {
        let zh = try #require(try Localization.allKeys()[.zhCN])
        var wanted: [String] = []
        wanted += ContractStatus.allCases.map { "contract_status.\($0.rawValue)" }
        wanted += ContractCategory.allCases.map { "contract_category.\($0.rawValue)" }
        wanted += ClauseCategory.allCases.map { "clause_category.\($0.rawValue)" }
        wanted += ResponsibilityStatus.allCases.map { "responsibility_status.\($0.rawValue)" }
        wanted += MilestoneStatus.allCases.map { "milestone_status.\($0.rawValue)" }
        wanted += DelayCause.allCases.map { "delay_cause.\($0.rawValue)" }
        wanted += ["pending", "partial", "paid", "overdue"].map { "payment_status.\($0)" }
        wanted += Role.allCases.map { "role.\($0.rawValue)" }
        #expect(wanted.filter { !zh.contains($0) } == [])
    }

    @Test func languageComesFromAcceptLanguageByQuality() {
        #expect(Lang.fromAcceptLanguage("en-US,en;q=0.9,zh-CN;q=0.8") == .en)
        #expect(Lang.fromAcceptLanguage("fr;q=1, zh-TW;q=0.9, en;q=0.5") == .zhCN)
        #expect(Lang.fromAcceptLanguage("de, fr") == nil)
        #expect(Lang.fromAcceptLanguage("zh;q=0.2, en;q=0.7") == .en)
    }

    @Test func progressWidthsUseClassesInStepsOfFive() {
        #expect(Display.widthClass(0) == "w-0")
        #expect(Display.widthClass(73.4) == "w-75")
        #expect(Display.widthClass(101) == "w-100")
        #expect(Display.widthClass(-3) == "w-0")
    }

    @Test func signInOnlyRedirectsToLocalPaths() {
        #expect(SitePath.safeNext("/contracts?status=active") == "/contracts?status=active")
        #expect(SitePath.safeNext("//evil.example/x") == nil)
        #expect(SitePath.safeNext("/\\evil.example") == nil)
        #expect(SitePath.safeNext("https://evil.example") == nil)
        #expect(SitePath.safeNext(nil) == nil)
    }
}
