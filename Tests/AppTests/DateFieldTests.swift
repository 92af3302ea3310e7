@testable import App
import Foundation
import Testing
import VaporTesting

/// Date fields take the page's language and carry ISO values; dates on pages read the same in both languages.
@Suite("Date fields")
struct DateFieldTests {
    @Test func dateInputsCarryThePageLanguageAndISOValues() async throws {
        try await withTestApp { env in
            // given a contract that starts 2026-03-01
            let contract = try await env.makeContract()
            let browser = WebBrowser(env)
            try await browser.signIn()
            // then its edit form offers the start date as an ISO value; the field takes the page's language from
            // <html lang> (never an empty lang of its own, which would mean "unknown language")
            let zh = try await browser.get("/contracts/\(contract)/edit")
            #expect(zh.html.contains(#"<html lang="zh-CN">"#))
            #expect(zh.html.contains(#"name="starts_on" type="date" value="2026-03-01">"#))
            let en = try await browser.get("/contracts/\(contract)/edit?lang=en")
            #expect(en.html.contains(#"<html lang="en">"#))
            #expect(en.html.contains(#"name="starts_on" type="date" value="2026-03-01">"#))
            #expect(!zh.html.contains(#"lang="""#) && !en.html.contains(#"lang="""#))
            // and the contract page shows the date as each language writes it
            #expect(try await browser.get("/contracts/\(contract)?lang=zh-CN").html.contains("2026-03-01"))
            #expect(try await browser.get("/contracts/\(contract)?lang=en").html.contains(">1 Mar 2026<"))
        }
    }
}
