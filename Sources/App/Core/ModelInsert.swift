import Fluent
import SQLKit

/// Inserts models built in memory with one plain statement. Fluent's `create` reflects over a model's properties
/// (Swift's `Mirror`, which resolves every field's type by name each time) four times per row and builds its SQL
/// through the query serializer; this collects the fields once and sends one prepared `INSERT` of several rows. It
/// is used on the paths every new service request runs inside the write lock. Every model given must be new and
/// have the same fields set; the caller marks them as existing (`$id.exists`) if it goes on to update them.
enum ModelInsert {
    /// The fields set on one model, in declaration order, as Fluent's `create` would write them (a field never set
    /// is left to the column's default).
    private final class Collected: DatabaseInput {
        var keys: [String] = []
        var values: [DatabaseQuery.Value] = []
        var wantsUnmodifiedKeys: Bool { false }
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
        guard !models.isEmpty else { return }
        var sql = SQLQueryString("")
        var columns: [String] = []
        for (n, model) in models.enumerated() {
            let row = Collected()
            model.input(to: row)
            if n == 0 {
                columns = row.keys
                sql = SQLQueryString("INSERT INTO \"\(M.schema)\" (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (")
            } else {
                guard row.keys == columns else { throw Unsupported(what: "\(M.schema): rows of one insert with different fields") }
                sql.appendLiteral("), (")
            }
            for (i, value) in row.values.enumerated() {
                if i > 0 { sql.appendLiteral(", ") }
                switch value {
                case .bind(let v): sql.appendInterpolation(bind: v)
                case .null: sql.appendLiteral("NULL")
                case .enumCase(let s): sql.appendInterpolation(bind: s)
                default: throw Unsupported(what: "\(M.schema).\(row.keys[i]): only plain values are inserted this way")
                }
            }
        }
        sql.appendLiteral(")")
        try await db.sql.raw(sql).run()
    }
}
