import Fluent
import Foundation
import LvyueCore
import Vapor

/// `lvyue template …` (issue #7): the library from the shell — what is in force, what is due for its yearly
/// revision, a diff between two versions, and activating versions whose date has arrived.
struct TemplateCommands: AsyncCommandGroup {
    var help: String { "Template library: list, revision list, diff, activate." }
    var commands: [String: any AnyAsyncCommand] {
        ["list": TemplateListCommand(due: false), "due": TemplateListCommand(due: true), "diff": TemplateDiffCommand(),
         "activate": TemplateActivateCommand()]
    }
}

/// `lvyue template list [--kind milestone_plan]` and `lvyue template due`: one line per template, tab-separated —
/// kind, scope, version in force (and its effective date), next scheduled version, DUE when its revision is due, name.
struct TemplateListCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "kind", help: "responsibility, milestone_plan, risk_checklist, work_instruction, satisfaction_survey, sla_policy") var kind: String?
    }
    let due: Bool
    var help: String { due ? "Print the templates due for their yearly revision." : "Print the template library with the version in force." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        var kind: TemplateKind?
        if let raw = signature.kind {
            guard let k = TemplateKind(rawValue: raw) else { throw CLIError("--kind must be one of: \(TemplateKind.allCases.map(\.rawValue).joined(separator: ", "))") }
            kind = k
        }
        let today = LocalDate(date: app.deps.now(), in: JSONCoding.displayTimeZone)
        for t in try await TemplateLibrary.list(on: app.db, today: today, kind: kind, dueOnly: due) {
            let current = t.effectiveVersion.map { "v\($0.number)@\($0.effectiveOn ?? "start")" } ?? "-"
            let next = t.scheduledVersion.map { "v\($0.number)@\($0.effectiveOn ?? "")" } ?? "-"
            context.console.print([t.kind.rawValue, t.scope, current, next, t.dueForRevision ? "DUE" : "", t.name].joined(separator: "\t"))
        }
    }
}

/// `lvyue template diff --kind milestone_plan --scope manufacturing --from 1 --to 2`.
struct TemplateDiffCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "kind", help: "template kind") var kind: String?
        @Option(name: "scope", help: "contract category, request type or default") var scope: String?
        @Option(name: "from", help: "older version number") var from: Int?
        @Option(name: "to", help: "newer version number") var to: Int?
    }
    var help: String { "Print the rows added (+), removed (-) and changed (~) between two versions of a template." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        guard let kind = signature.kind.flatMap(TemplateKind.init(rawValue:)) else { throw CLIError("--kind must name a template kind") }
        guard let t = try await LibraryTemplate.query(on: app.db).filter(\.$kind == kind).filter(\.$scope == (signature.scope ?? "default")).first() else {
            throw CLIError("no \(kind.rawValue) template for scope \(signature.scope ?? "default")")
        }
        guard let from = signature.from, let to = signature.to else { throw CLIError("--from and --to are required") }
        do {
            let d = try await TemplateLibrary.diff(templateID: t.id!, from: from, to: to, on: app.db)
            context.console.print("\(t.name): v\(from) → v\(to): +\(d.added) -\(d.removed) ~\(d.changed) =\(d.unchanged)")
            for r in d.rows where r.change != .unchanged {
                let mark = r.change == .added ? "+" : r.change == .removed ? "-" : "~"
                let row = (r.right ?? r.left ?? []).joined(separator: " | ")
                context.console.print("\(mark) \(row)" + (r.changedColumns.isEmpty ? "" : "  [\(r.changedColumns.joined(separator: ", "))]"))
            }
        } catch let e as AppError {
            throw CLIError(e.message)
        }
    }
}

/// `lvyue template activate` — what the sweeper does each minute, on demand.
struct TemplateActivateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Make approved versions whose date has arrived effective and retire their predecessors." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Lvyue.prepare(app, demo: false, quiet: true)
        let changed = try await TemplateLibrary.activateDue(app, actor: Actor(id: nil, name: "template activate (cli)"))
        context.console.print("\(changed) version(s) changed state")
    }
}
