import SQLKit

/// The text of a statement that is the same on every run, written once with `?` for each value: the statements every
/// write runs inside the write lock (a new request's reads, its counter, the audit chain, the batch's savepoints).
///
/// SQLKit builds an expression for each run and serializes it again, quoting every identifier; on the SQLite writer a
/// statement of this kind is handed to SQLite as written (its prepared form is kept by text). On PostgreSQL it is
/// serialized as any expression, each `?` becoming `$1`, `$2`, … in order. The text must not contain `?` other than
/// the placeholders (no `?` inside a quoted string).
struct SQLText: Sendable, ExpressibleByStringLiteral {
    /// The text as SQLite takes it.
    let sqlite: String
    /// The text between the placeholders.
    let pieces: [String]

    init(_ text: String) {
        sqlite = text
        pieces = text.split(separator: "?", omittingEmptySubsequences: false).map(String.init)
    }

    init(stringLiteral text: String) { self.init(text) }

    var placeholders: Int { pieces.count - 1 }

    /// A statement of this text with its values, in the order of the placeholders.
    func callAsFunction(_ binds: [any Encodable & Sendable]) -> SQLStatement {
        precondition(binds.count == placeholders, "\(binds.count) values for \(placeholders) placeholders in \(sqlite)")
        return SQLStatement(text: self, binds: binds)
    }
}

/// A `SQLText` with its values.
struct SQLStatement: SQLExpression {
    let text: SQLText
    let binds: [any Encodable & Sendable]

    func serialize(to serializer: inout SQLSerializer) {
        for (i, piece) in text.pieces.enumerated() {
            if i > 0 { serializer.write(bind: binds[i - 1]) }
            serializer.write(piece)
        }
    }
}

extension SQLDatabase {
    /// Every row of a fixed statement.
    func all(_ statement: SQLStatement) async throws -> [any SQLRow] {
        nonisolated(unsafe) var rows: [any SQLRow] = []
        try await execute(sql: statement) { rows.append($0) }
        return rows
    }

    func all(_ text: SQLText, _ binds: any Encodable & Sendable...) async throws -> [any SQLRow] { try await all(text(binds)) }

    /// The first row of a fixed statement, if any.
    func first(_ text: SQLText, _ binds: any Encodable & Sendable...) async throws -> (any SQLRow)? {
        nonisolated(unsafe) var first: (any SQLRow)?
        try await execute(sql: text(binds)) { row in if first == nil { first = row } }
        return first
    }

    /// Runs a fixed statement, ignoring any rows.
    func run(_ statement: SQLStatement) async throws { try await execute(sql: statement) { _ in } }

    func run(_ text: SQLText, _ binds: any Encodable & Sendable...) async throws { try await run(text(binds)) }
}
