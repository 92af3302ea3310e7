import Fluent
import Foundation
import LvyueCore
import Vapor

/// `lvyue service …` (issue #6): mail intake from a pipe (a mail server's `pipe` transport), the desk queue and
/// warranty lookups from the shell.
struct ServiceCommands: AsyncCommandGroup {
    var help: String { "After-sales service: mail intake, the desk queue, warranty lookups." }
    var commands: [String: any AnyAsyncCommand] {
        ["intake": ServiceIntakeCommand(), "queue": ServiceQueueCommand(), "warranty": ServiceWarrantyCommand()]
    }
}

/// `lvyue service intake [--file message.eml]` — reads one raw RFC 5322 message (standard input by default) and
/// files it like `POST /api/v1/intake/email`.
struct ServiceIntakeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "file", help: "the raw message; standard input when absent") var file: String?
    }
    var help: String { "File one raw email as a service request, a note on one, or a triage entry." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        let data: Data
        if let path = signature.file {
            guard let d = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
            data = d
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        do {
            let r = try await EmailIntake.receive(app, actor: Actor(id: nil, name: "mail intake (cli)"), raw: data)
            switch r.outcome {
            case "request": context.console.print("created \(r.requestNumber ?? "")")
            case "note": context.console.print("added a note to \(r.requestNumber ?? "")")
            default: context.console.print("unknown sender: queued for triage (\(r.triageId?.uuidString.lowercased() ?? ""))")
            }
        } catch let e as AppError {
            throw CLIError(e.message)
        }
    }
}

/// `lvyue service queue [--limit 20]` — open requests, nearest deadline first.
struct ServiceQueueCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "limit", help: "how many (1–200, default 20)") var limit: Int?
    }
    var help: String { "Print the open service requests, nearest deadline first." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        var filter = ServiceRequestFilter()
        filter.status = "open"
        filter.limit = min(200, max(1, signature.limit ?? 20))
        let (rows, _) = try await ServiceRequestQueries.queue(filter, on: app.db)
        for r in rows {
            context.console.print([r.number, r.urgency.rawValue, r.status.rawValue + (r.waiting ? "(waiting)" : ""),
                                   r.nextDueAt.map { JSONCoding.formatInstant($0) } ?? "-", r.breached ? "BREACHED" : "", r.title]
                .joined(separator: "\t"))
        }
    }
}

/// `lvyue service warranty --contract HT-2026-0007 [--date 2026-12-01]`.
struct ServiceWarrantyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "contract", help: "contract number") var contract: String?
        @Option(name: "date", help: "YYYY-MM-DD (default today)") var date: String?
    }
    var help: String { "Tell whether a contract is in warranty on a date (otherwise: paid service)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        guard let number = signature.contract, let c = try await Contract.query(on: app.db).filter(\.$number == number).first() else {
            throw CLIError("--contract must name an existing contract number")
        }
        let day: LocalDate
        if let d = signature.date {
            guard let parsed = LocalDate(iso: d) else { throw CLIError("--date must be YYYY-MM-DD") }
            day = parsed
        } else {
            day = LocalDate(date: app.deps.now(), in: JSONCoding.displayTimeZone)
        }
        let w = try await ServicePlanService.warranty(contractID: c.id!, day: day, on: app.db)
        if w.planId == nil {
            context.console.print("\(number): no service plan — paid service")
        } else {
            context.console.print("\(number) on \(day): " + (w.inWarranty ? "in warranty" : "out of warranty — paid service")
                                  + " (warranty \(w.warrantyStart ?? "") – \(w.warrantyEnd ?? ""))")
        }
    }
}
