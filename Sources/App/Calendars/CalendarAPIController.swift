import Fluent
import Foundation
import LvyueCore
import Vapor

struct CalendarAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let calendars = routes.grouped("calendars")
        calendars.get(use: list)
        calendars.post(use: create)
        calendars.get(":id", use: show)
        calendars.patch(":id", use: update)
        calendars.delete(":id", use: delete)
        calendars.post(":id", "deadline", use: deadline)
        calendars.post(":id", "add-days", use: addDays)
        calendars.post(":id", "between", use: between)
        calendars.on(.POST, ":id", "import", body: .collect(maxSize: "2mb"), use: importHolidays).runningLong()
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .calendar)
        let rows = try await StoredCalendar.query(on: req.db).sort(\.$id).all()
        return try .json(CalendarList(items: try rows.map { try CalendarResponse($0, full: false) }))
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .calendar)
        let definition = try req.decodePlainJSON(CalendarDefinition.self)
        let stored = try await CalendarService.create(req.application, actor: req.actor, definition)
        return try .json(try CalendarResponse(stored, full: true), status: .created, version: stored.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .calendar)
        let stored = try await find(req)
        return try .json(try CalendarResponse(stored, full: true), version: stored.version)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .calendar)
        let patch = try req.decodePlainJSON(CalendarPatch.self)
        let stored = try await CalendarService.update(req.application, actor: req.actor, id: try idParameter(req),
                                                      expectedVersion: try Precondition.expectedVersion(req), action: "update",
                                                      allowBuiltin: false) { patch.apply(to: $0) }
        return try .json(try CalendarResponse(stored, full: true), version: stored.version)
    }

    @Sendable func delete(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .calendar)
        let id = try idParameter(req)
        let expected = try Precondition.expectedVersion(req)
        let now = req.now
        let actor = req.actor
        try await Store.write(req.application) { db in
            guard let stored = try await StoredCalendar.find(id, on: db) else { throw AppError.notFound(entity: "calendar", id: id) }
            if stored.builtin { throw AppError.conflict(code: "builtin_calendar", message: "built-in calendars cannot be deleted") }
            if let expected, expected != stored.version { throw AppError.staleVersion(current: stored.version) }
            try await stored.delete(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "delete", entityType: "calendar", entityID: id,
                                      before: CalendarSummary(stored))
        }
        return Response(status: .noContent)
    }

    @Sendable func deadline(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .calendar)
        let body = try req.decodeJSON(DeadlineRequest.self)
        var check = FieldCheck()
        if body.from == nil { check.fail("from", "is required") }
        let minutes = check.range(body.minutes, "minutes", 0...(1_000_000))
        try check.throwIfAny()
        let calendar = try await req.application.calendars.calendar(try idParameter(req), on: req.db)
        let due = try CalendarErrors.mapping { try calendar.deadline(from: body.from!, workingMinutes: minutes!) }
        return try .json(DeadlineResponse(calendarId: calendar.id, from: JSONCoding.formatInstant(body.from!, in: calendar.timeZone),
                                          minutes: minutes!, deadline: JSONCoding.formatInstant(due, in: calendar.timeZone)))
    }

    @Sendable func addDays(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .calendar)
        let body = try req.decodeJSON(AddDaysRequest.self)
        var check = FieldCheck()
        let date = check.day(body.date, "date", required: true)
        let days = check.range(body.days, "days", -3660...3660)
        try check.throwIfAny()
        let calendar = try await req.application.calendars.calendar(try idParameter(req), on: req.db)
        let result = try CalendarErrors.mapping { try calendar.addWorkingDays(date!, days!) }
        return try .json(AddDaysResponse(calendarId: calendar.id, date: date!.description, days: days!, result: result.description))
    }

    @Sendable func between(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .calendar)
        let body = try req.decodeJSON(BetweenRequest.self)
        var check = FieldCheck()
        if body.from == nil { check.fail("from", "is required") }
        if body.to == nil { check.fail("to", "is required") }
        try check.throwIfAny()
        let calendar = try await req.application.calendars.calendar(try idParameter(req), on: req.db)
        let minutes = try CalendarErrors.mapping { try calendar.workingMinutes(from: body.from!, to: body.to!) }
        return try .json(BetweenResponse(calendarId: calendar.id, minutes: minutes))
    }

    /// `POST /calendars/{id}/import[?year=2027]` with a JSON or iCalendar (.ics) body: adds that year's holidays
    /// and make-up days, and marks the year as available so computations reaching it are no longer refused.
    @Sendable func importHolidays(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .calendar)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw AppError.badRequest("the body must be a JSON or iCalendar file") }
        var check = FieldCheck()
        let year = req.query[String.self, at: "year"].map { raw -> Int? in
            guard let y = Int(raw), (1900...2200).contains(y) else { check.fail("year", "must be a year such as 2027"); return nil }
            return y
        } ?? nil
        try check.throwIfAny()
        let data = try CalendarService.parseImport(Data(buffer.readableBytesView), contentType: req.headers.contentType, year: year)
        let stored = try await CalendarService.update(req.application, actor: req.actor, id: try idParameter(req),
                                                      expectedVersion: try Precondition.expectedVersion(req),
                                                      action: "import.\(data.year)", allowBuiltin: true) { data.merged(into: $0) }
        return try .json(try CalendarResponse(stored, full: true), version: stored.version)
    }

    private func idParameter(_ req: Request) throws -> String {
        guard let id = req.parameters.get("id"), !id.isEmpty else { throw AppError.notFound(entity: "calendar", id: "") }
        return id
    }

    private func find(_ req: Request) async throws -> StoredCalendar {
        let id = try idParameter(req)
        guard let stored = try await StoredCalendar.find(id, on: req.db) else { throw AppError.notFound(entity: "calendar", id: id) }
        return stored
    }
}

struct CalendarList: Content {
    var items: [CalendarResponse]
}
