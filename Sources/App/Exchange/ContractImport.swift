import Fluent
import Foundation
import LvyueCore
import Vapor

/// One bad cell (or row) of an import: where it is, in the words of the file, and why.
struct ImportProblem: Content, Equatable {
    var sheet: String
    /// The row number as the spreadsheet shows it (the header is row 1).
    var row: Int
    var column: String
    var reason: String
}

struct ImportResult: Content {
    var dryRun: Bool
    /// True when every row was good (and, unless a dry run, everything was written).
    var ok: Bool
    var contracts: Int
    var clauses: Int
    var responsibilities: Int
    var milestones: Int
    /// Customers named in the file that did not exist; created with the contracts.
    var createdCustomers: [String]
    /// People named in the file with no account; created as inactive accounts (no sign-in) an administrator can complete.
    var createdUsers: [String]
    /// Sheets (or CSV files) whose header row is none of the three the import reads.
    var ignoredSheets: [String]
    var problems: [ImportProblem]
}

/// `lvyue import contracts` and `POST /api/v1/imports/contracts` (issue #7): contracts with their clauses, 模板1 and 模板2
/// rows, in the columns the exports write (`ExportColumns`). Every row is checked by the same rules as the API
/// (`ContractInput`, `ResponsibilityInput`, `MilestoneInput`), inside one transaction: a dry run or any bad row rolls
/// everything back and reports every problem; otherwise all of it lands at once, each record with its audit event.
enum ContractImport {
    enum Kind { case contracts, responsibilities, milestones }

    /// Which sheet is which, by its header row (so sheet names and CSV file names do not matter).
    static func kind(of header: [String]) -> Kind? {
        let set = Set(header)
        if set.contains("合同名称") { return .contracts }
        if set.contains("具体职责") { return .responsibilities }
        if set.contains("计划完成时间") { return .milestones }
        return nil
    }

    /// Reads uploaded files: XLSX workbooks (by their ZIP signature) or CSV text, one sheet per CSV file.
    static func sheets(from files: [(name: String, data: Data)]) throws -> [ImportSheet] {
        var out: [ImportSheet] = []
        for file in files {
            if file.data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
                out += try XlsxReader.read(file.data)
            } else {
                out.append(try CsvReader.read(file.data, name: file.name))
            }
        }
        return out
    }

    private struct Rollback: Error { var result: ImportResult }

    static func run(_ app: Application, actor: Actor, sheets: [ImportSheet], dryRun: Bool) async throws -> ImportResult {
        let now = app.deps.now()
        let newID = app.deps.newID
        let token = app.deps.randomToken
        // Accounts created for named people get an unusable random password; hashed before the transaction.
        let placeholderHash = try await Passwords.hash(token(), app: app)
        // The transaction's body runs in a task of the database's own: the caller's progress listener (issue #8) goes in by hand.
        let progress = ProgressReporter.current
        do {
            return try await Store.write(app) { db in
                try await ProgressReporter.$current.withValue(progress) {
                    var run = ImportRun(db: db, now: now, actor: actor, newID: newID, placeholderHash: placeholderHash)
                    let result = try await run.perform(sheets, dryRun: dryRun)
                    if dryRun || !result.ok { throw Rollback(result: result) }
                    return result
                }
            }
        } catch let r as Rollback {
            return r.result
        }
    }
}

/// The state of one import inside its transaction.
private struct ImportRun {
    let db: any Database
    let now: Date
    let actor: Actor
    let newID: @Sendable () -> UUID
    let placeholderHash: String

    var problems: [ImportProblem] = []
    var departments: [String: UUID] = [:]
    var usersByName: [String: [UUID]] = [:]
    var customers: [String: UUID] = [:]
    var contractsByNumber: [String: Contract] = [:]
    /// Contracts of the contracts sheet that were refused: their rows elsewhere say so rather than "no such contract".
    var refusedContracts: Set<String> = []
    var clauses: [String: UUID] = [:]
    var nextSequence: [UUID: Int] = [:]
    var createdCustomers: [String] = []
    var createdUsers: [String] = []
    var counts = (contracts: 0, clauses: 0, responsibilities: 0, milestones: 0)

    init(db: any Database, now: Date, actor: Actor, newID: @escaping @Sendable () -> UUID, placeholderHash: String) {
        self.db = db
        self.now = now
        self.actor = actor
        self.newID = newID
        self.placeholderHash = placeholderHash
    }

    mutating func perform(_ sheets: [ImportSheet], dryRun: Bool) async throws -> ImportResult {
        for d in try await Department.query(on: db).all() {
            departments[d.name] = d.id
            departments[d.code] = d.id
        }
        for u in try await User.query(on: db).all() where u.role != .customerContact {
            usersByName[u.displayName, default: []].append(u.id!)
            if u.username != u.displayName { usersByName[u.username, default: []].append(u.id!) }
        }
        for c in try await Customer.query(on: db).all() { customers[c.name] = c.id }

        var ignored: [String] = []
        var byKind: [ContractImport.Kind: [ImportSheet]] = [:]
        for sheet in sheets {
            let header = (sheet.rows.first ?? []).map(\.text)
            guard let kind = ContractImport.kind(of: header) else { ignored.append(sheet.name); continue }
            byKind[kind, default: []].append(sheet)
        }
        if byKind.isEmpty {
            problems.append(ImportProblem(sheet: sheets.first?.name ?? "", row: 1, column: "",
                                          reason: "no sheet with the header row of 合同, 模板1 or 模板2 (see `lvyue export contracts`)"))
        }
        // Issue #8: a job's progress counts the rows to check.
        ProgressReporter.current?.expect(byKind.values.joined().map { $0.rows.dropFirst().filter { $0.contains { !$0.isEmpty } }.count }.reduce(0, +))
        // Contracts first: the other sheets name them by number.
        for sheet in byKind[.contracts] ?? [] { try await importContracts(sheet) }
        for sheet in byKind[.responsibilities] ?? [] { try await importResponsibilities(sheet) }
        for sheet in byKind[.milestones] ?? [] { try await importMilestones(sheet) }
        return ImportResult(dryRun: dryRun, ok: problems.isEmpty, contracts: counts.contracts, clauses: counts.clauses,
                            responsibilities: counts.responsibilities, milestones: counts.milestones,
                            createdCustomers: createdCustomers, createdUsers: createdUsers, ignoredSheets: ignored, problems: problems)
    }

    // MARK: - Sheets

    mutating func importContracts(_ sheet: ImportSheet) async throws {
        let table = Table(sheet, required: ["合同编号", "合同名称", "客户", "类别", "金额"])
        problems += table.problems
        guard table.problems.isEmpty else { return }
        var seen: [String: Int] = [:]
        for (row, number) in table.rows {
            try await ProgressReporter.current?.advance(1)  // issue #8
            var p = RowProblems(sheet: sheet.name, row: number)
            let contractNo = row["合同编号"]
            if !contractNo.isEmpty, let first = seen[contractNo] {
                p.add("合同编号", "appears twice in this sheet (also row \(first))")
            }
            if !contractNo.isEmpty { seen[contractNo] = number }
            var customerID: UUID?
            let customerName = row["客户"]
            if !customerName.isEmpty { customerID = try await customer(customerName) }
            let departmentID = department(row["责任部门"], "责任部门", &p)
            let ownerID = try await person(row["负责人"], "负责人", department: departmentID, &p)
            let category = enumValue(row["类别"], "类别", "contract_category", ContractCategory.self, &p)
            let status = enumValue(row["状态"], "状态", "contract_status", ContractStatus.self, &p)
            let signed = day(row, "签订日期", &p), starts = day(row, "开始日期", &p), ends = day(row, "结束日期", &p)
            var cadence: Int?
            if !row["更新周期（天）"].isEmpty {
                if let n = Int(row["更新周期（天）"]) { cadence = n } else { p.add("更新周期（天）", "must be 7 or 14") }
            }
            let input = ContractInput(
                number: .value(contractNo), title: .value(row["合同名称"]),
                customerId: customerID.map { .value($0) } ?? .null,
                category: category.map { .value($0) } ?? .value(row["类别"]), amount: .value(row["金额"]),
                currency: row["币种"].isEmpty ? .absent : .value(row["币种"]),
                signedOn: signed.map { .value($0) } ?? .absent, startsOn: starts.map { .value($0) } ?? .absent,
                endsOn: ends.map { .value($0) } ?? .absent,
                status: status.map { .value($0) } ?? .absent,
                ownerId: ownerID.map { .value($0) } ?? .absent, departmentId: departmentID.map { .value($0) } ?? .absent,
                updateCadenceDays: cadence.map { .value($0) } ?? .absent,
                description: row["合同说明"].isEmpty ? .absent : .value(row["合同说明"]))
            let contract = Contract()
            contract.id = newID()
            do {
                try await input.apply(to: contract, creating: true, db: db)
            } catch let e as AppError {
                p.add(e, columns: Self.contractColumns)
            }
            guard p.problems.isEmpty else {
                problems += p.problems
                if !contractNo.isEmpty { refusedContracts.insert(contractNo) }
                continue
            }
            try await insert(contract)
            contractsByNumber[contract.number] = contract
            counts.contracts += 1
        }
    }

    mutating func importResponsibilities(_ sheet: ImportSheet) async throws {
        let table = Table(sheet, required: ["合同编号", "责任部门", "具体职责"])
        problems += table.problems
        guard table.problems.isEmpty else { return }
        for (row, number) in table.rows {
            try await ProgressReporter.current?.advance(1)  // issue #8
            var p = RowProblems(sheet: sheet.name, row: number)
            let contract = try await contract(row["合同编号"], &p)
            let departmentID = department(row["责任部门"], "责任部门", &p, required: true)
            let ownerID = try await person(row["责任人"], "责任人", department: departmentID, &p)
            let status = enumValue(row["状态"], "状态", "responsibility_status", ResponsibilityStatus.self, &p)
            let due = day(row, "完成时限", &p)
            var collaborators: [UUID] = []
            for name in Self.list(row["协作部门"]) {
                if let id = departments[name] { collaborators.append(id) } else { p.add("协作部门", "no department named \(name)") }
            }
            let clauseText = row["条款内容"]
            let clauseCategory = enumValue(row["条款类别"], "条款类别", "clause_category", ClauseCategory.self, &p)
            if clauseText.isEmpty && !row["条款类别"].isEmpty { p.add("条款内容", "is required when 条款类别 is given") }
            if clauseText.count > 4000 { p.add("条款内容", "must be at most 4000 characters") }
            guard let contract, p.problems.isEmpty else { problems += p.problems; continue }
            var clauseID: UUID?
            if !clauseText.isEmpty {
                let category = clauseCategory ?? ClauseCategory.other.rawValue
                let key = "\(contract.id!)|\(category)|\(clauseText)"
                if let existing = clauses[key] {
                    clauseID = existing
                } else {
                    let clause = Clause()
                    clause.id = newID()
                    clause.$contract.id = contract.id!
                    do {
                        try await ClauseInput(reference: .absent, category: .value(category), text: .value(clauseText), dueOn: .absent)
                            .apply(to: clause, creating: true, db: db)
                    } catch let e as AppError {
                        p.add(e, columns: ["category": "条款类别", "text": "条款内容"])
                        problems += p.problems
                        continue
                    }
                    try await insert(clause)
                    clauses[key] = clause.id
                    clauseID = clause.id
                    counts.clauses += 1
                }
            }
            let r = Responsibility()
            r.id = newID()
            r.$contract.id = contract.id!
            let input = ResponsibilityInput(
                clauseId: clauseID.map { .value($0) } ?? .absent, departmentId: departmentID.map { .value($0) } ?? .null,
                ownerId: ownerID.map { .value($0) } ?? .absent, duty: .value(row["具体职责"]),
                dueOn: due.map { .value($0) } ?? .absent, collaborators: .value(collaborators),
                status: status.map { .value($0) } ?? .absent)
            do {
                try await input.apply(to: r, creating: true, db: db)
            } catch let e as AppError {
                p.add(e, columns: ["department_id": "责任部门", "owner_id": "责任人", "duty": "具体职责", "due_on": "完成时限",
                                   "collaborators": "协作部门", "status": "状态", "clause_id": "条款内容"])
            }
            guard p.problems.isEmpty else { problems += p.problems; continue }
            try await insert(r)
            counts.responsibilities += 1
        }
    }

    mutating func importMilestones(_ sheet: ImportSheet) async throws {
        let table = Table(sheet, required: ["合同编号", "节点", "权重", "计划完成时间"])
        problems += table.problems
        guard table.problems.isEmpty else { return }
        for (row, number) in table.rows {
            try await ProgressReporter.current?.advance(1)  // issue #8
            var p = RowProblems(sheet: sheet.name, row: number)
            let contract = try await contract(row["合同编号"], &p)
            var weight: Double?
            if let w = Double(row["权重"]) { weight = w } else { p.add("权重", "must be a number greater than 0 and at most 100") }
            let planned = day(row, "计划完成时间", &p)
            let actual = day(row, "实际完成时间", &p)
            var progress: Int?
            if !row["状态"].isEmpty {
                if let (status, percent) = MilestoneStatusText.parse(row["状态"]) {
                    progress = percent ?? (status == .done ? 100 : 0)
                    if status == .done && actual == nil && row["实际完成时间"].isEmpty {
                        p.add("实际完成时间", "is required when 状态 is \(Labels.zh("milestone_status", MilestoneStatus.done))")
                    }
                    if actual != nil { progress = 100 }
                } else {
                    p.add("状态", "must be one of " + MilestoneStatus.allCases.map { Labels.zh("milestone_status", $0) }.joined(separator: ", ")
                          + ", optionally with a percentage (进行中 60%)")
                }
            }
            let cause = enumValue(row["延迟原因类别"], "延迟原因类别", "delay_cause", DelayCause.self, &p)
            let departmentID = department(row["责任部门"], "责任部门", &p)
            guard let contract, p.problems.isEmpty else { problems += p.problems; continue }
            let contractID = contract.id!
            if nextSequence[contractID] == nil {
                nextSequence[contractID] = (try await Milestone.query(on: db).filter(\.$contract.$id == contractID).max(\.$sequence) ?? 0) + 1
            }
            let m = Milestone()
            m.id = newID()
            m.$contract.id = contractID
            let input = MilestoneInput(
                sequence: .value(nextSequence[contractID]!), name: .value(row["节点"]), weight: weight.map { .value($0) } ?? .null,
                plannedOn: planned.map { .value($0) } ?? .null, actualOn: actual.map { .value($0) } ?? .absent,
                progress: progress.map { .value($0) } ?? .absent, delayCause: cause.map { .value($0) } ?? .absent,
                delayReason: row["延迟原因"].isEmpty ? .absent : .value(row["延迟原因"]),
                nextStep: row["下一步计划"].isEmpty ? .absent : .value(row["下一步计划"]),
                departmentId: departmentID.map { .value($0) } ?? .absent)
            do {
                try await input.apply(to: m, creating: true, db: db)
            } catch let e as AppError {
                p.add(e, columns: ["name": "节点", "weight": "权重", "planned_on": "计划完成时间", "actual_on": "实际完成时间",
                                   "progress": "状态", "delay_cause": "延迟原因类别", "delay_reason": "延迟原因", "next_step": "下一步计划",
                                   "department_id": "责任部门", "sequence": "节点"])
            }
            guard p.problems.isEmpty else { problems += p.problems; continue }
            try await insert(m)
            nextSequence[contractID]! += 1
            counts.milestones += 1
        }
    }

    static let contractColumns: [String: String] = [
        "number": "合同编号", "title": "合同名称", "customer_id": "客户", "category": "类别", "amount": "金额", "currency": "币种",
        "signed_on": "签订日期", "starts_on": "开始日期", "ends_on": "结束日期", "status": "状态", "owner_id": "负责人",
        "department_id": "责任部门", "update_cadence_days": "更新周期（天）", "description": "合同说明",
    ]

    // MARK: - Lookups

    /// A contract of this import or one already stored.
    mutating func contract(_ number: String, _ p: inout RowProblems) async throws -> Contract? {
        guard !number.isEmpty else { p.add("合同编号", "is required"); return nil }
        if let c = contractsByNumber[number] { return c }
        if refusedContracts.contains(number) { p.add("合同编号", "contract \(number) has errors in the contracts sheet"); return nil }
        if let c = try await Contract.query(on: db).filter(\.$number == number).first() {
            contractsByNumber[number] = c
            return c
        }
        p.add("合同编号", "no contract \(number) in the contracts sheet or the database")
        return nil
    }

    func department(_ name: String, _ column: String, _ p: inout RowProblems, required: Bool = false) -> UUID? {
        guard !name.isEmpty else {
            if required { p.add(column, "is required") }
            return nil
        }
        guard let id = departments[name] else { p.add(column, "no department named \(name)"); return nil }
        return id
    }

    /// A person by display name or username; a name with no account gets an inactive one (no sign-in until an
    /// administrator sets a password and activates it), so a plan naming people who have no login yet still imports.
    mutating func person(_ name: String, _ column: String, department: UUID?, _ p: inout RowProblems) async throws -> UUID? {
        guard !name.isEmpty else { return nil }
        if let ids = usersByName[name] {
            if Set(ids).count > 1 { p.add(column, "\(name) names more than one user; use the username"); return nil }
            return ids.first
        }
        guard name.count <= 100, !name.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            p.add(column, "is not a person's name"); return nil
        }
        let user = User()
        user.id = newID()
        user.username = "imported." + String(user.id!.uuidString.lowercased().suffix(12))
        user.displayName = name
        user.role = .viewer
        user.$department.id = department
        user.active = false
        user.passwordHash = placeholderHash
        try await insert(user)
        usersByName[name] = [user.id!]
        createdUsers.append(name)
        return user.id
    }

    mutating func customer(_ name: String) async throws -> UUID? {
        if let id = customers[name] { return id }
        guard name.count <= 200 else { return nil }
        let c = Customer()
        c.id = newID()
        c.name = name
        try await insert(c)
        customers[name] = c.id
        createdCustomers.append(name)
        return c.id
    }

    /// A zh-CN label (as the exports write it) or the API's value → the API's value.
    func enumValue<E: RawRepresentable & CaseIterable>(_ text: String, _ column: String, _ prefix: String, _ type: E.Type,
                                                       _ p: inout RowProblems) -> String? where E.RawValue == String {
        guard !text.isEmpty else { return nil }
        guard let e = Labels.parse(prefix, text, as: type) else {
            p.add(column, "must be one of: " + E.allCases.map { Labels.zh(prefix, $0) }.joined(separator: ", "))
            return nil
        }
        return e.rawValue
    }

    /// A date cell: an Excel date (a serial number), "2026-03-02" or "2026/3/2".
    func day(_ row: Row, _ column: String, _ p: inout RowProblems) -> String? {
        let cell = row.cell(column)
        switch cell {
        case .empty: return nil
        case .number(let serial, _):
            if let d = XlsxReader.date(serial: serial) { return d.description }
        default:
            let t = cell.text
            if t.isEmpty { return nil }
            if let d = LocalDate(iso: t) { return d.description }
            let parts = t.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." })
            if parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4,
               let date = LocalDate(year: y, month: m, day: d) { return date.description }
        }
        p.add(column, "must be a date (an Excel date or YYYY-MM-DD)")
        return nil
    }

    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { "、,，;；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    mutating func insert<M: AuditedModel>(_ model: M) async throws {
        model.version = 1
        try await model.create(on: db)
        try await AuditLog.append(on: db, at: now, actor: actor, action: "import", entityType: M.entityType,
                                  entityID: model.id!.uuidString, after: model.response(ResponseContext(now: now)))
    }
}

/// A sheet's rows as header → cell, with the sheet's own row numbers; entirely empty rows are skipped.
private struct Table {
    var rows: [(Row, Int)] = []
    var problems: [ImportProblem] = []

    init(_ sheet: ImportSheet, required: [String]) {
        let header = (sheet.rows.first ?? []).map(\.text)
        var index: [String: Int] = [:]
        for (i, h) in header.enumerated() where !h.isEmpty {
            if index[h] != nil {
                problems.append(ImportProblem(sheet: sheet.name, row: 1, column: h, reason: "the column appears twice"))
            }
            index[h] = i
        }
        for r in required where index[r] == nil {
            problems.append(ImportProblem(sheet: sheet.name, row: 1, column: r, reason: "the column is missing"))
        }
        for (i, cells) in sheet.rows.enumerated().dropFirst() where cells.contains(where: { !$0.isEmpty }) {
            rows.append((Row(cells: cells, index: index), i + 1))
        }
    }
}

private struct Row {
    var cells: [ImportCell]
    var index: [String: Int]

    func cell(_ column: String) -> ImportCell {
        guard let i = index[column], i < cells.count else { return .empty }
        return cells[i]
    }

    subscript(_ column: String) -> String { cell(column).text }
}

private struct RowProblems {
    let sheet: String
    let row: Int
    var problems: [ImportProblem] = []

    mutating func add(_ column: String, _ reason: String) {
        guard !problems.contains(where: { $0.column == column }) else { return }
        problems.append(ImportProblem(sheet: sheet, row: row, column: column, reason: reason))
    }

    /// An API validation error, its fields named by the sheet's columns.
    mutating func add(_ error: AppError, columns: [String: String]) {
        switch error {
        case .invalid(let fields):
            for (field, reason) in fields.sorted(by: { $0.key < $1.key }) { add(columns[field] ?? field, reason) }
        case .duplicate(let field, let reason):
            add(columns[field] ?? field, reason)
        default:
            add("", error.message)
        }
    }
}
