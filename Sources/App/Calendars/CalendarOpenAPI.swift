import Foundation

/// The calendars capability's part of the OpenAPI document.
enum CalendarSchemas {
    static var all: [String: Any] {
        let windows: [String: Any] = ["type": "object", "additionalProperties": S.array(S.array(S.string)),
                                      "description": "weekday (mon…sun) → [[\"09:00\",\"12:00\"], …]; \"24:00\" ends a day"]
        let holiday: [String: Any] = ["oneOf": [S.date, S.object(["from": S.date, "to": S.date], required: ["from", "to"])]]
        let workingDay = S.object(["date": S.date, "windows": ["type": ["array", "null"], "items": S.array(S.string)]], required: ["date"])
        let definition = S.object([
            "id": S.string, "name": S.string, "time_zone": S.string, "windows": windows, "holidays": S.array(holiday),
            "working_days": S.array(workingDay), "date_hours": S.array(workingDay),
            "make_up_windows": ["type": ["array", "null"], "items": S.array(S.string)],
            "statutory_years": ["type": ["array", "null"], "items": S.int], "requires_statutory_data": S.bool,
        ], required: ["id", "name", "time_zone", "windows"])
        return [
            "CalendarDefinition": definition,
            "Calendar": S.object([
                "id": S.string, "name": S.string, "builtin": S.bool, "time_zone": S.string,
                "statutory_years": ["type": ["array", "null"], "items": S.int], "version": S.int, "definition": S.ref("CalendarDefinition"),
            ], required: ["id", "name", "builtin", "time_zone", "version"]),
            "CalendarList": S.object(["items": S.array(S.ref("Calendar"))], required: ["items"]),
            "CalendarPatch": S.object([
                "name": S.string, "windows": windows, "holidays": S.array(holiday), "working_days": S.array(workingDay),
                "date_hours": S.array(workingDay), "make_up_windows": S.array(S.array(S.string)),
            ]),
            "DeadlineRequest": S.object(["from": S.time, "minutes": ["type": "integer", "minimum": 0]], required: ["from", "minutes"]),
            "Deadline": S.response(["calendar_id": S.string, "from": S.time, "minutes": S.int, "deadline": S.time]),
            "AddDaysRequest": S.object(["date": S.date, "days": S.int], required: ["date", "days"]),
            "AddDays": S.response(["calendar_id": S.string, "date": S.date, "days": S.int, "result": S.date]),
            "BetweenRequest": S.object(["from": S.time, "to": S.time], required: ["from", "to"]),
            "Between": S.response(["calendar_id": S.string, "minutes": S.int]),
        ]
    }
}

enum CalendarPaths {
    static var all: [String: [String: [String: Any]]] {
        let arithmetic = [400, 401, 403, 404, 413, 422]
        return [
            "/calendars": [
                "get": Op.make("calendars", "List working calendars", responses: ["200": "CalendarList"], errors: [401, 403]),
                "post": Op.make("calendars", "Define a company calendar (rejected when it has no working time)", body: "CalendarDefinition",
                                responses: ["201": "Calendar"], errors: [400, 401, 403, 409, 413, 422]),
            ],
            "/calendars/{id}": [
                "get": Op.make("calendars", "A calendar with its full definition", params: [Op.id], responses: ["200": "Calendar"],
                               errors: [401, 403, 404]),
                "patch": Op.make("calendars", "Change a company calendar", params: [Op.id, Op.ifMatch], body: "CalendarPatch",
                                 responses: ["200": "Calendar"], errors: [400, 401, 403, 404, 409, 412, 413, 422]),
                "delete": Op.make("calendars", "Delete a company calendar", params: [Op.id, Op.ifMatch], responses: ["204": nil],
                                  errors: [400, 401, 403, 404, 409, 412]),
            ],
            "/calendars/{id}/deadline": [
                "post": Op.make("calendars", "The instant at which N working minutes have elapsed", params: [Op.id],
                                body: "DeadlineRequest", responses: ["200": "Deadline"], errors: arithmetic),
            ],
            "/calendars/{id}/add-days": [
                "post": Op.make("calendars", "The date N working days after (or before) a date", params: [Op.id],
                                body: "AddDaysRequest", responses: ["200": "AddDays"], errors: arithmetic),
            ],
            "/calendars/{id}/between": [
                "post": Op.make("calendars", "Working minutes between two instants", params: [Op.id],
                                body: "BetweenRequest", responses: ["200": "Between"], errors: arithmetic),
            ],
            "/calendars/{id}/import": [
                "post": ImportOp.operation,
            ],
        ]
    }
}

private enum ImportOp {
    static var operation: [String: Any] {
        var op = Op.make("calendars", "Import a year's statutory holidays and make-up days (JSON or iCalendar)",
                         params: [Op.id, Op.ifMatch, Op.query("year", S.int, "the year, when the file covers several")],
                         responses: ["200": "Calendar"], errors: [400, 401, 403, 404, 409, 412, 413, 422])
        op["requestBody"] = ["required": true, "content": [
            "application/json": ["schema": ["type": "object"]],
            "text/calendar": ["schema": S.string],
        ]]
        return op
    }
}
