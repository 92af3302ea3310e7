import Fluent
import Foundation
import LvyueCore
import Vapor

/// `lvyue calendar …` — the calendar arithmetic from the command line, on the calendars stored in the database
/// (so a year imported with `lvyue calendar import` counts). Errors go to standard error with a non-zero exit.
struct CalendarCommands: AsyncCommandGroup {
    var help: String { "Working calendars: deadlines, working days, imports." }
    var commands: [String: any AnyAsyncCommand] {
        ["list": CalendarListCommand(), "deadline": CalendarDeadlineCommand(), "add-days": CalendarAddDaysCommand(),
         "between": CalendarBetweenCommand(), "import": CalendarImportCommand()]
    }

    static func load(_ context: CommandContext, _ id: String) async throws -> WorkCalendar {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        do {
            return try await app.calendars.calendar(id, on: app.db)
        } catch let error as AppError {
            throw CLIError(error.code == "not_found" ? "unknown calendar \(id)" : error.message)
        }
    }

    static func run<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CalendarError { throw CLIError(error.description) }
    }
}

struct CalendarListCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "List calendars." }
    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        for c in try await StoredCalendar.query(on: app.db).sort(\.$id).all() {
            let years = (try? c.definition().statutoryYears).flatMap { $0 }?.map(String.init).joined(separator: ",") ?? "-"
            context.console.print("\(c.id ?? "")\t\(c.name)\tstatutory years: \(years)")
        }
    }
}

/// `lvyue calendar deadline --calendar cn-workday --from 2026-02-13T16:00:00+08:00 --minutes 240`
/// With `--batch`, reads `FROM MINUTES` lines from standard input and prints one deadline per line, in order;
/// a line that cannot be computed prints `error: …` in its place (and the exit status is non-zero).
struct CalendarDeadlineCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "calendar", help: "calendar id, e.g. cn-workday") var calendar: String?
        @Option(name: "from", help: "start, ISO-8601 with offset") var from: String?
        @Option(name: "minutes", help: "working minutes") var minutes: Int?
        @Flag(name: "batch", help: "read FROM MINUTES lines from standard input") var batch: Bool
    }
    var help: String { "Print the deadline after N working minutes." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let calendar = try await CalendarCommands.load(context, signature.calendar ?? "cn-workday")
        func compute(_ fromText: String, _ minutes: Int) throws -> String {
            guard let from = JSONCoding.parseInstant(fromText) else { throw CLIError("not an ISO-8601 time with offset: \(fromText)") }
            guard minutes >= 0 else { throw CLIError("minutes must not be negative") }
            let due = try CalendarCommands.run { try calendar.deadline(from: from, workingMinutes: minutes) }
            return JSONCoding.formatInstant(due, in: calendar.timeZone)
        }
        if signature.batch {
            var failures = 0
            var out = ""
            while let line = readLine() {
                let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if parts.isEmpty { continue }
                do {
                    guard parts.count == 2, let m = Int(parts[1]) else { throw CLIError("expected FROM MINUTES, got: \(line)") }
                    out += try compute(String(parts[0]), m) + "\n"
                } catch {
                    failures += 1
                    out += "error: \(error)\n"
                    FileHandle.standardError.write(Data("lvyue: \(error)\n".utf8))
                }
                if out.utf8.count > 1 << 16 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
            if failures > 0 { throw CLIError("\(failures) line(s) could not be computed") }
            return
        }
        guard let from = signature.from, let minutes = signature.minutes else { throw CLIError("--from and --minutes are required (or --batch)") }
        print(try compute(from, minutes))
    }
}

/// `lvyue calendar add-days --calendar cn-workday --date 2026-10-09 --days -3`
struct CalendarAddDaysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "calendar", help: "calendar id") var calendar: String?
        @Option(name: "date", help: "YYYY-MM-DD") var date: String?
        @Option(name: "days", help: "working days, negative for before") var days: Int?
    }
    var help: String { "Print the date N working days after (or before) a date." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let calendar = try await CalendarCommands.load(context, signature.calendar ?? "cn-workday")
        guard let raw = signature.date, let date = LocalDate(iso: raw) else { throw CLIError("--date YYYY-MM-DD is required") }
        guard let days = signature.days else { throw CLIError("--days is required") }
        print(try CalendarCommands.run { try calendar.addWorkingDays(date, days) }.description)
    }
}

/// `lvyue calendar between --calendar cn-workday --from ISO --to ISO` prints working minutes.
struct CalendarBetweenCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "calendar", help: "calendar id") var calendar: String?
        @Option(name: "from", help: "ISO-8601 with offset") var from: String?
        @Option(name: "to", help: "ISO-8601 with offset") var to: String?
    }
    var help: String { "Print the working minutes between two instants." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let calendar = try await CalendarCommands.load(context, signature.calendar ?? "cn-workday")
        guard let f = signature.from.flatMap(JSONCoding.parseInstant), let t = signature.to.flatMap(JSONCoding.parseInstant) else {
            throw CLIError("--from and --to must be ISO-8601 times with offset")
        }
        print(try CalendarCommands.run { try calendar.workingMinutes(from: f, to: t) })
    }
}

/// `lvyue calendar import --calendar cn-workday FILE [--year 2027]` — JSON or .ics.
struct CalendarImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "calendar", help: "calendar id") var calendar: String?
        @Option(name: "year", help: "the year to import when the file covers several") var year: Int?
        @Argument(name: "file", help: "JSON or iCalendar file") var file: String
    }
    var help: String { "Import a year's holidays and make-up days." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        guard let data = FileManager.default.contents(atPath: signature.file) else { throw CLIError("cannot read \(signature.file)") }
        do {
            let year = try CalendarService.parseImport(data, contentType: nil, year: signature.year)
            let stored = try await CalendarService.update(app, actor: .system, id: signature.calendar ?? "cn-workday", expectedVersion: nil,
                                                          action: "import.\(year.year)", allowBuiltin: true) { year.merged(into: $0) }
            print("imported \(year.year) into \(stored.id ?? ""): \(year.off.count) days off, \(year.worked.count) make-up working days")
        } catch let error as AppError {
            throw CLIError(error.fields.isEmpty ? error.message : error.fields.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
        }
    }
}
