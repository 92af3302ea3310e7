import Fluent
import Foundation
import LvyueCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Loads calendars and keeps built `WorkCalendar`s (with their per-year tables) in memory, keyed by id and
/// version: one primary-key read per use tells whether the cached one is still current, so an import on another
/// instance is seen at once and no computation walks the database day by day.
final class CalendarRegistry: Sendable {
    private let cache = NIOLockedValueBox<[String: (version: Int, calendar: WorkCalendar)]>([:])

    private static let versionOf = SQLText("SELECT version FROM \(StoredCalendar.schema) WHERE id = ?")

    func calendar(_ id: String, on db: any Database) async throws -> WorkCalendar {
        // The version alone decides a hit: the definition (years of holidays) is read only when it changed.
        if let hit = cache.withLockedValue({ $0[id] }),
           let row = try await db.sql.first(Self.versionOf, id),
           try row.decode(column: "version", as: Int.self) == hit.version {
            return hit.calendar
        }
        guard let stored = try await StoredCalendar.find(id, on: db) else {
            throw AppError.notFound(entity: "calendar", id: id)
        }
        return try calendar(for: stored)
    }

    func calendar(for stored: StoredCalendar) throws -> WorkCalendar {
        let id = stored.id ?? ""
        if let hit = cache.withLockedValue({ $0[id] }), hit.version == stored.version { return hit.calendar }
        let built = try CalendarErrors.mapping { try WorkCalendar(definition: stored.definition()) }
        cache.withLockedValue { $0[id] = (stored.version, built) }
        return built
    }
}

extension Application {
    private struct RegistryKey: StorageKey { typealias Value = CalendarRegistry }
    var calendars: CalendarRegistry {
        if let r = storage[RegistryKey.self] { return r }
        let r = CalendarRegistry()
        storage[RegistryKey.self] = r
        return r
    }
}

/// Domain errors of the calendar engine as API errors (DESIGN.md §6: `calendar_data_missing` is a 422).
enum CalendarErrors {
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CalendarError {
            throw map(error)
        } catch let error as HolidayImportError {
            throw AppError.unprocessable(code: "invalid_import", message: error.description)
        } catch is DecodingError {
            throw AppError.unprocessable(code: "invalid", message: "the stored calendar definition is unreadable")
        }
    }

    static func map(_ error: CalendarError) -> AppError {
        switch error {
        case .dataMissing:
            return .unprocessable(code: "calendar_data_missing", message: error.description)
        case .noWorkingTime:
            return .unprocessable(code: "no_working_time", message: error.description, fields: ["windows": "the calendar has no working time"])
        case .invalid(let field, let reason):
            return .invalid(fields: [field: reason])
        case .searchLimitExceeded:
            return .unprocessable(code: "no_working_time_ahead", message: error.description)
        }
    }
}

enum CalendarService {
    /// Stores the built-in calendars the first time (and nothing after that: imports into them must persist).
    static func ensureBuiltins(_ app: Application) async throws {
        let now = app.deps.now()
        try await Store.write(app) { db in
            for calendar in BuiltinCalendars.all where try await StoredCalendar.find(calendar.id, on: db) == nil {
                let stored = try StoredCalendar(definition: calendar.definition, builtin: true)
                try await stored.create(on: db)
                try await AuditLog.append(on: db, at: now, actor: .system, action: "create", entityType: "calendar",
                                          entityID: calendar.id, after: CalendarSummary(stored))
            }
        }
    }

    static func create(_ app: Application, actor: Actor, _ definition: CalendarDefinition) async throws -> StoredCalendar {
        var check = FieldCheck()
        if definition.id.isEmpty || definition.id.count > 40
            || !definition.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            check.fail("id", "must be 1–40 letters, digits, - or _")
        }
        if definition.name.trimmingCharacters(in: .whitespaces).isEmpty { check.fail("name", "is required") }
        try check.throwIfAny()
        _ = try CalendarErrors.mapping { try WorkCalendar(definition: definition) }
        let stored = try StoredCalendar(definition: definition, builtin: false)
        let now = app.deps.now()
        return try await Store.write(app) { db in
            if try await StoredCalendar.find(definition.id, on: db) != nil {
                throw AppError.duplicate(field: "id", reason: "a calendar with this id exists")
            }
            try await stored.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: "calendar",
                                      entityID: definition.id, after: CalendarSummary(stored))
            return stored
        }
    }

    /// Applies `change` to the stored definition, validates the result as a calendar, and saves it.
    static func update(_ app: Application, actor: Actor, id: String, expectedVersion: Int?, action: String,
                       allowBuiltin: Bool, _ change: @escaping @Sendable (CalendarDefinition) throws -> CalendarDefinition) async throws -> StoredCalendar {
        let now = app.deps.now()
        return try await Store.write(app) { db in
            guard let stored = try await StoredCalendar.find(id, on: db) else { throw AppError.notFound(entity: "calendar", id: id) }
            if stored.builtin && (!allowBuiltin || id == BuiltinCalendars.sevenByTwentyFour.id) {
                throw AppError.conflict(code: "builtin_calendar", message: "calendar \(id) is built in; import holiday data into it or define your own")
            }
            if let expectedVersion, expectedVersion != stored.version { throw AppError.staleVersion(current: stored.version) }
            let before = CalendarSummary(stored)
            let next = try CalendarErrors.mapping { try change(try stored.definition()) }
            _ = try CalendarErrors.mapping { try WorkCalendar(definition: next) }
            try stored.setDefinition(next)
            stored.version += 1
            try await stored.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: action, entityType: "calendar",
                                      entityID: id, before: before, after: CalendarSummary(stored))
            return stored
        }
    }

    /// Parses a holiday file (JSON or iCalendar, told apart by content) for one year.
    static func parseImport(_ body: Data, contentType: HTTPMediaType?, year: Int?) throws -> StatutoryYear {
        let text = String(decoding: body, as: UTF8.self)
        let looksICS = contentType?.subType == "calendar" || text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("BEGIN:VCALENDAR")
        return try CalendarErrors.mapping {
            looksICS ? try HolidayImport.parseICS(text, year: year) : try HolidayImport.parseJSON(body, year: year)
        }
    }
}

/// The audit record of a calendar: enough to see what changed without storing every date twice.
struct CalendarSummary: Content {
    var id: String
    var name: String
    var version: Int
    var definition: String

    init(_ stored: StoredCalendar) {
        id = stored.id ?? ""
        name = stored.name
        version = stored.version
        definition = stored.definitionJSON
    }
}
