import Foundation
import SQLKit

/// One column value of a generated row, bound as a parameter (never spliced into the SQL text).
enum BulkValue: Sendable {
    case text(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case uuid(UUID)
    case time(Date)
    case null

    var expression: any SQLExpression {
        switch self {
        case .text(let v): SQLBind(v)
        case .int(let v): SQLBind(v)
        case .double(let v): SQLBind(v)
        case .bool(let v): SQLBind(v)
        case .uuid(let v): SQLBind(v)
        case .time(let v): SQLBind(v)
        case .null: SQLLiteral.null
        }
    }
}

extension Optional where Wrapped == String {
    var bulk: BulkValue { map(BulkValue.text) ?? .null }
}

extension Optional where Wrapped == Date {
    var bulk: BulkValue { map(BulkValue.time) ?? .null }
}

extension Optional where Wrapped == UUID {
    var bulk: BulkValue { map(BulkValue.uuid) ?? .null }
}

/// Collects rows per table and writes them as multi-row INSERTs with bound parameters, each statement kept
/// under the smaller parameter limit of the two databases (SQLite 32 766, PostgreSQL 65 535).
// Used by one task at a time (the generator's); @unchecked lets it cross into a transaction's closure.
final class BulkWriter: @unchecked Sendable {
    static let parameterLimit = 30_000

    /// A class, so appending a row mutates the one buffer in place (a struct copied out of the dictionary would copy
    /// every queued row on each append).
    private final class Table {
        let columns: [String]
        var rows: [[BulkValue]] = []
        init(columns: [String]) { self.columns = columns }
    }

    private var tables: [String: Table] = [:]
    private var order: [String] = []
    private(set) var written = 0

    func define(_ table: String, _ columns: [String]) {
        if tables[table] == nil { order.append(table) }
        tables[table] = Table(columns: columns)
    }

    /// Queues one row; returns true when that table has a statement's worth waiting.
    @discardableResult
    func add(_ table: String, _ row: [BulkValue]) -> Bool {
        guard let t = tables[table] else { preconditionFailure("table \(table) not defined") }
        precondition(row.count == t.columns.count, "\(table): \(row.count) values for \(t.columns.count) columns")
        t.rows.append(row)
        return t.rows.count * t.columns.count >= Self.parameterLimit
    }

    var pendingRows: Int { tables.values.reduce(0) { $0 + $1.rows.count } }

    /// Writes every queued row, tables in the order they were defined (parents before children).
    func flush(on db: any SQLDatabase) async throws {
        for name in order {
            guard let t = tables[name], !t.rows.isEmpty else { continue }
            let perStatement = max(1, Self.parameterLimit / t.columns.count)
            var start = 0
            while start < t.rows.count {
                let end = min(start + perStatement, t.rows.count)
                var insert = db.insert(into: name).columns(t.columns)
                for row in t.rows[start..<end] { insert = insert.values(row.map(\.expression)) }
                try await insert.run()
                start = end
            }
            written += t.rows.count
            t.rows.removeAll(keepingCapacity: true)
        }
    }
}
