@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Calendar pages")
struct CalendarWebTests {
    @Test func yearViewShowsHolidaysAndMakeUpDays() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            // when
            let list = try await browser.get("/calendars")
            let page = try await browser.get("/calendars/cn-workday?year=2026")
            // then
            #expect(list.status == .ok)
            #expect(list.html.contains("cn-workday"))
            #expect(page.status == .ok)
            #expect(page.html.contains(#"class="cal-makeup" title="2026-02-14""#))
            #expect(page.html.contains(#"class="cal-holiday" title="2026-10-01""#))
            #expect(page.html.contains(#"class="cal-weekend" title="2026-03-07""#))
            #expect(page.html.contains(#"class="cal-work" title="2026-03-09""#))
            // 2026 has 248 working days on this calendar (weekdays minus holidays plus the 6 make-up Saturdays/Sundays)
            #expect(page.html.contains("工作日: 248"))
        }
    }

    @Test func dueFormAnswersAndRefusesUnknownYears() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            try await browser.signIn()
            let due = try await browser.get("/calendars/cn-workday?year=2026&from=2026-02-13T16:00&minutes=240")
            #expect(due.html.contains("2026-02-14T11:00:00+08:00"))
            let refused = try await browser.get("/calendars/cn-workday?year=2027&from=2027-03-01T09:00&minutes=60")
            #expect(refused.status == .ok)
            #expect(refused.html.contains("cal-nodata"))
            #expect(refused.html.contains("no statutory holiday data for 2027"))
            let bad = try await browser.get("/calendars/cn-workday?from=yesterday&minutes=-1")
            #expect(bad.html.contains("field-error"))
            #expect(try await browser.get("/calendars/no-such-calendar").status == .notFound)
        }
    }
}
