import Fluent
import Foundation
import LvyueCore
import NIOConcurrencyHelpers
import SQLKit
import SQLiteNIO

/// Inserts models built in memory with one plain statement. Fluent's `create` reflects over a model's properties
/// (Swift's `Mirror`, which resolves every field's type by name each time) four times per row and builds its SQL
/// through the query serializer; this collects the fields once per row (without reflecting at all for a model that
/// lists its fields, `ListedFields`) and sends one prepared `INSERT` of several rows. It is used on the paths every
/// new service request runs inside the write lock. Every model given must be new and
/// have the same fields set; the caller marks them as existing (`$id.exists`) if it goes on to update them.
enum ModelInsert {
    /// The fields set on one model, in declaration order, as Fluent's `create` would write them (a field never set
    /// is left to the column's default).
    private final class Collected: DatabaseInput {
        var keys: [String] = []
        var values: [DatabaseQuery.Value] = []
        /// Also the values read from the database and not changed since (for the test of the lists).
        let wantsUnmodifiedKeys: Bool
        init(all: Bool = false) { wantsUnmodifiedKeys = all }
        func set(_ value: DatabaseQuery.Value, at key: FieldKey) {
            keys.append(key.description)
            values.append(value)
        }
    }

    /// A model this way cannot write (a nested or custom value): a mistake in the code, reported rather than trapped.
    struct Unsupported: Error, CustomStringConvertible {
        var what: String
        var description: String { "ModelInsert: \(what)" }
    }

    static func insert<M: Model>(_ models: [M], on db: any Database) async throws {
        try await insert(models, on: db) { reflected($0) }
    }

    /// A model with its fields listed (`ListedFields`): no reflection at all.
    static func insert<M: ListedFields>(_ models: [M], on db: any Database) async throws {
        try await insert(models, on: db) { listed($0) }
    }

    /// Every field of `model` (changed or not) as Fluent's reflection finds it and as its list gives it, as
    /// "column=value" text; for the test that the two agree.
    static func fields<M: ListedFields>(of model: M) -> (reflected: [String], listed: [String]) {
        func text(_ row: Collected) -> [String] { zip(row.keys, row.values).map { "\($0)=\($1)" } }
        return (text(reflected(model, all: true)), text(listed(model, all: true)))
    }

    private static func reflected<M: Model>(_ model: M, all: Bool = false) -> Collected {
        let row = Collected(all: all)
        model.input(to: row)
        return row
    }

    private static func listed<M: ListedFields>(_ model: M, all: Bool = false) -> Collected {
        let row = Collected(all: all)
        for property in M.listedProperties { property(model).input(to: row) }
        return row
    }

    private static func insert<M: Model>(_ models: [M], on db: any Database, fields: (M) -> Collected) async throws {
        guard !models.isEmpty else { return }
        let rows = models.map(fields)
        let columns = rows[0].keys
        for row in rows.dropFirst() where row.keys != columns {
            throw Unsupported(what: "\(M.schema): rows of one insert with different fields")
        }
        try await insert(into: M.schema, columns: columns, rows: try rows.map { row in
            try row.values.enumerated().map { i, value in
                switch value {
                case .bind(let v): .encodable(v)
                case .null: .null
                case .enumCase(let s): .text(s)
                default: throw Unsupported(what: "\(M.schema).\(columns[i]): only plain values are inserted this way")
                }
            }
        }, on: db)
    }

    /// Inserts rows of values, given column by column in `columns`' order, with one statement: for what a write
    /// builds from plain values rather than models.
    static func insert(into table: String, columns: [String], rows: [[PlainValue]], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        if let writer = db as? SQLiteWriterDatabase {
            // The writer connection takes SQLite's own text and values directly: nothing to build and serialize again.
            var binds: [SQLiteData] = []
            binds.reserveCapacity(rows.count * columns.count)
            for row in rows {
                for value in row { binds.append(try value.sqlite()) }
            }
            try writer.run(text: sqliteText(table, columns, rows: rows.count), binds)
            return
        }
        // PostgreSQL cannot type a bare bound NULL, so it gets the literal. (On SQLite a missing value is bound too, so
        // one statement serves every row whatever it leaves empty: the writer keeps statements prepared by their text.)
        let bindNull = db.isSQLite
        var sql = SQLQueryString("")
        sql.appendLiteral(head(table, columns) + "(")
        for (n, row) in rows.enumerated() {
            if n > 0 { sql.appendLiteral("), (") }
            for (i, value) in row.enumerated() {
                if i > 0 { sql.appendLiteral(", ") }
                switch value {
                case .text(let v): sql.appendInterpolation(bind: v)
                case .integer(let v): sql.appendInterpolation(bind: v)
                case .bool(let v): sql.appendInterpolation(bind: v)
                case .uuid(let v): sql.appendInterpolation(bind: v)
                case .instant(let v): sql.appendInterpolation(bind: v)
                case .encodable(let v): sql.appendInterpolation(bind: v)
                case .null: if bindNull { sql.appendInterpolation(bind: SQLiteData.null) } else { sql.appendLiteral("NULL") }
                }
            }
        }
        sql.appendLiteral(")")
        try await db.sql.raw(sql).run()
    }
}

/// One value of a row written without a model, typed where the writer knows its type (so nothing is cast to find out
/// how to store it); stored as Fluent stores the same Swift value.
enum PlainValue: Sendable {
    case text(String)
    case integer(Int)
    case bool(Bool)
    case uuid(UUID)
    case instant(Date)
    case null
    /// Any other value, converted as a bound value is.
    case encodable(any Encodable & Sendable)

    static func text(_ v: String?) -> PlainValue { v.map { .text($0) } ?? .null }
    static func uuid(_ v: UUID?) -> PlainValue { v.map { .uuid($0) } ?? .null }
    static func instant(_ v: Date?) -> PlainValue { v.map { .instant($0) } ?? .null }

    func sqlite() throws -> SQLiteData {
        switch self {
        case .text(let v): .text(v)
        case .integer(let v): .integer(v)
        case .bool(let v): .integer(v ? 1 : 0)
        case .uuid(let v): .text(Hex.uuidString(v))
        case .instant(let v): .float(v.timeIntervalSince1970)
        case .null: .null
        case .encodable(let v): try SQLiteWriterDatabase.sqliteData(v)
        }
    }
}

extension ModelInsert {
    private struct Text: Sendable {
        var columns: [String]
        var sql: String
    }

    private struct Shape: Hashable {
        var table: String
        var rows: Int
        var columns: Int
    }

    /// The statement texts made so far, by table, row count and column count (the creation path inserts the same few
    /// shapes over and over, and a request's statement is over a kilobyte to build).
    private static let texts = NIOLockedValueBox([Shape: Text]())

    /// `INSERT INTO "schema" ("a", "b") VALUES `.
    private static func head(_ table: String, _ columns: [String]) -> String {
        "INSERT INTO \"\(table)\" (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES "
    }

    /// `INSERT INTO "schema" ("a", "b") VALUES (?, ?), (?, ?)` for `rows` rows of `columns`.
    static func sqliteText(_ table: String, _ columns: [String], rows: Int) -> String {
        let key = Shape(table: table, rows: rows, columns: columns.count)
        if let made = texts.withLockedValue({ $0[key] }), made.columns == columns { return made.sql }
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let sql = head(table, columns) + Array(repeating: placeholders, count: rows).joined(separator: ", ")
        texts.withLockedValue { all in
            if all.count >= 256 { all.removeAll() }
            all[key] = Text(columns: columns, sql: sql)
        }
        return sql
    }
}

/// A model whose database fields are listed once, in declaration order, so `ModelInsert` reads them without Swift's
/// reflection (which resolves each field's type by name on every row; on the creation path it was a tenth of the
/// writer's time). `ReadPathTests.listedFieldsAreFluentsFields` checks each list against Fluent's own reflection, so a
/// field added to the model and not to its list fails a test rather than going unwritten.
protocol ListedFields: Model {
    static var listedProperties: [@Sendable (Self) -> any AnyDatabaseProperty] { get }
}
