@testable import App
import Foundation
import Testing
import VaporTesting

/// Date fields speak the page's language and carry ISO values; dates on pages read the same in both languages.
@Suite("Date fields")
struct DateFieldTests {
    @Test func dateInputsCarryThePageLanguageAndISOValues() async throws {
        try await withTestApp { env in
            // given a contract that starts 2026-03-01
            let contract = try await env.makeContract()
            let browser = WebBrowser(env)
            try await browser.signIn()
            // then its edit form offers the start date as an ISO value, in a field marked with the page's language
            let zh = try await browser.get("/contracts/\(contract)/edit")
            #expect(zh.html.contains(#"name="starts_on" type="date" value="2026-03-01" lang="zh-CN""#))
            let en = try await browser.get("/contracts/\(contract)/edit?lang=en")
            #expect(en.html.contains(#"name="starts_on" type="date" value="2026-03-01" lang="en""#))
            // and the contract page shows the date the same way (ISO) in both languages
            #expect(try await browser.get("/contracts/\(contract)").html.contains("2026-03-01"))
            #expect(try await browser.get("/contracts/\(contract)?lang=en").html.contains("2026-03-01"))
        }
    }
}
