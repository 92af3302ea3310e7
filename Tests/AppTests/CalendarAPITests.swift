@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Calendars API")
struct CalendarAPITests {
    @Test func builtinsAreListed() async throws {
        try await withTestApp { env in
            let r = try await env.api(.GET, "/calendars")
            #expect(r.items.compactMap { $0["id"] as? String } == ["7x24", "cn-workday"])
            let cn = try await env.api(.GET, "/calendars/cn-workday")
            #expect(cn["statutory_years"] as? [Int] == [2025, 2026])
        }
    }

    @Test func deadlineOnMakeUpSaturday() async throws {
        try await withTestApp { env in
            // 2026-02-13 is a Friday before the Spring Festival; 02-14 is a make-up working Saturday.
            let r = try await env.api(.POST, "/calendars/cn-workday/deadline", json: ["from": "2026-02-13T16:00:00+08:00", "minutes": 240])
            #expect(r.status == .ok)
            #expect(r.string("deadline") == "2026-02-14T11:00:00+08:00")
            let days = try await env.api(.POST, "/calendars/cn-workday/add-days", json: ["date": "2026-10-12", "days": -3])
            // Back from Monday 10-12: Saturday 10-10 is a make-up working day, 10-09 and 10-08 are working days.
            #expect(days.string("result") == "2026-10-08")
            let between = try await env.api(.POST, "/calendars/cn-workday/between", json: [
                "from": "2026-03-09T09:00:00+08:00", "to": "2026-03-10T09:00:00+08:00",
            ])
            #expect(between["minutes"] as? Int == 480)
        }
    }

    @Test func unknownYearIsRefusedUntilImported() async throws {
        try await withTestApp { env in
            // given: no 2027 data
            let refused = try await env.api(.POST, "/calendars/cn-workday/deadline", json: ["from": "2027-01-05T09:00:00+08:00", "minutes": 60])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.errorCode == "calendar_data_missing")
            #expect((refused.json["error"] as? [String: Any])?["message"] as? String == "calendar cn-workday has no statutory holiday data for 2027; import it first")
            // 7x24 never refuses a year
            let always = try await env.api(.POST, "/calendars/7x24/deadline", json: ["from": "2031-01-05T09:00:00+08:00", "minutes": 60])
            #expect(always.string("deadline") == "2031-01-05T10:00:00+08:00")

            // when: 2027 is imported from iCalendar
            let ics = """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            BEGIN:VEVENT\r
            DTSTART;VALUE=DATE:20270101\r
            DTEND;VALUE=DATE:20270104\r
            SUMMARY:元旦\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            DTSTART;VALUE=DATE:20270109\r
            DTEND;VALUE=DATE:20270110\r
            SUMMARY:元旦补班\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: env.adminToken)
            headers.contentType = HTTPMediaType(type: "text", subType: "calendar")
            try await env.app.testing().test(.POST, "/api/v1/calendars/cn-workday/import", headers: headers, body: ByteBuffer(string: ics)) { res async in
                #expect(res.status == .ok)
            }
            // then: 2027 computes, with the imported holiday and make-up day
            let jan = try await env.api(.POST, "/calendars/cn-workday/deadline", json: ["from": "2027-01-01T10:00:00+08:00", "minutes": 60])
            #expect(jan.string("deadline") == "2027-01-04T10:00:00+08:00")
            let makeUp = try await env.api(.POST, "/calendars/cn-workday/add-days", json: ["date": "2027-01-08", "days": 1])
            #expect(makeUp.string("result") == "2027-01-09")
            let audit = try await env.api(.GET, "/audit?entity_type=calendar&entity_id=cn-workday")
            #expect(audit.items.first?["action"] as? String == "import.2027")
        }
    }

    @Test func companyCalendars() async throws {
        try await withTestApp { env in
            let twoShift: [String: Any?] = [
                "id": "plant-2shift", "name": "二班制工厂", "time_zone": "Asia/Shanghai",
                "windows": ["mon": [["06:00", "14:00"], ["14:00", "22:00"]], "tue": [["06:00", "22:00"]], "wed": [["06:00", "22:00"]],
                            "thu": [["06:00", "22:00"]], "fri": [["06:00", "22:00"]], "sat": [["08:00", "24:00"]]],
            ]
            let created = try await env.api(.POST, "/calendars", json: twoShift)
            #expect(created.status == .created)
            #expect(try await env.api(.POST, "/calendars", json: twoShift).status == .conflict)
            // Saturday runs to 24:00, Sunday is off, Monday starts at 06:00.
            let due = try await env.api(.POST, "/calendars/plant-2shift/deadline", json: ["from": "2026-03-14T23:30:00+08:00", "minutes": 60])
            #expect(due.string("deadline") == "2026-03-16T06:30:00+08:00")

            let empty = try await env.api(.POST, "/calendars", json: ["id": "never", "name": "无工作时间", "time_zone": "Asia/Shanghai", "windows": [:]])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.errorCode == "no_working_time")
            let badZone = try await env.api(.POST, "/calendars", json: ["id": "x", "name": "x", "time_zone": "Mars/Olympus", "windows": ["mon": [["09:00", "17:00"]]]])
            #expect(badZone.status == .unprocessableEntity)
            let badTime = try await env.api(.POST, "/calendars", json: ["id": "y", "name": "y", "time_zone": "Asia/Shanghai", "windows": ["mon": [["09:00", "25:00"]]]])
            #expect(badTime.status == .unprocessableEntity)

            #expect(try await env.api(.PATCH, "/calendars/7x24", json: ["name": "x"]).status == .conflict)
            let renamed = try await env.api(.PATCH, "/calendars/plant-2shift", json: ["name": "二班制总装车间"], ifMatch: "\"1\"")
            #expect(renamed.string("name") == "二班制总装车间")
            #expect(try await env.api(.PATCH, "/calendars/plant-2shift", json: ["name": "旧"], ifMatch: "\"1\"").status == .preconditionFailed)
            #expect(try await env.api(.DELETE, "/calendars/cn-workday").status == .conflict)
            #expect(try await env.api(.DELETE, "/calendars/plant-2shift").status == .noContent)
            #expect(try await env.api(.POST, "/calendars/plant-2shift/deadline", json: ["from": "2026-03-14T23:00:00+08:00", "minutes": 1]).status == .notFound)
        }
    }

    @Test func arithmeticInputErrors() async throws {
        try await withTestApp { env in
            let negative = try await env.api(.POST, "/calendars/cn-workday/deadline", json: ["from": "2026-03-02T09:00:00+08:00", "minutes": -5])
            #expect(negative.errorFields["minutes"] != nil)
            let noOffset = try await env.api(.POST, "/calendars/cn-workday/deadline", json: ["from": "2026-03-02T09:00:00", "minutes": 5])
            #expect(noOffset.status == .unprocessableEntity)
            #expect(noOffset.errorFields["from"] != nil)
            let badDate = try await env.api(.POST, "/calendars/cn-workday/add-days", json: ["date": "2026-02-30", "days": 1])
            #expect(badDate.errorFields["date"] == "must be a date YYYY-MM-DD")
            #expect(try await env.api(.POST, "/calendars/nope/deadline", json: ["from": "2026-03-02T09:00:00+08:00", "minutes": 5]).status == .notFound)
            let badImport = try await env.api(.POST, "/calendars/cn-workday/import", raw: "{\"off\": [\"not-a-date\"]}")
            #expect(badImport.status == .unprocessableEntity)
        }
    }
}
