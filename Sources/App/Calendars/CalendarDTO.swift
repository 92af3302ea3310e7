import Foundation
import LvyueCore
import Vapor

struct CalendarResponse: Content, HasVersion {
    var id: String
    var name: String
    var builtin: Bool
    var timeZone: String
    var statutoryYears: [Int]?
    var version: Int
    var definition: CalendarDefinition?

    init(_ stored: StoredCalendar, full: Bool) throws {
        let d = try stored.definition()
        id = stored.id ?? ""
        name = stored.name
        builtin = stored.builtin
        timeZone = d.timeZone
        statutoryYears = d.statutoryYears
        version = stored.version
        definition = full ? d : nil
    }
}

struct DeadlineRequest: Decodable {
    var from: Date?
    var minutes: Int?
}

struct DeadlineResponse: Content {
    var calendarId: String
    var from: String
    var minutes: Int
    var deadline: String
}

struct AddDaysRequest: Decodable {
    var date: String?
    var days: Int?
}

struct AddDaysResponse: Content {
    var calendarId: String
    var date: String
    var days: Int
    var result: String
}

struct BetweenRequest: Decodable {
    var from: Date?
    var to: Date?
}

struct BetweenResponse: Content {
    var calendarId: String
    var minutes: Int
}

/// Partial change of a company calendar; each present field replaces the definition's field.
struct CalendarPatch: Decodable, Sendable {
    var name: String?
    var windows: [String: [[String]]]?
    var holidays: [HolidayEntry]?
    var workingDays: [WorkingDayEntry]?
    var dateHours: [WorkingDayEntry]?
    var makeUpWindows: [[String]]?

    enum CodingKeys: String, CodingKey {
        case name, windows, holidays
        case workingDays = "working_days"
        case dateHours = "date_hours"
        case makeUpWindows = "make_up_windows"
    }

    func apply(to d: CalendarDefinition) -> CalendarDefinition {
        var d = d
        if let name { d.name = name }
        if let windows { d.windows = windows }
        if let holidays { d.holidays = holidays }
        if let workingDays { d.workingDays = workingDays }
        if let dateHours { d.dateHours = dateHours }
        if let makeUpWindows { d.makeUpWindows = makeUpWindows }
        return d
    }
}

extension Request {
    /// Decodes a body whose type carries its own snake_case keys (the LvyueCore calendar types).
    func decodePlainJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard let buffer = body.data, buffer.readableBytes > 0 else { throw AppError.badRequest("a JSON object body is required") }
        let data = Data(buffer.readableBytesView)
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else { throw AppError.badRequest("the body is not a JSON object") }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw AppError.invalid(fields: DecodingErrorFields.fields(for: error))
        }
    }
}
