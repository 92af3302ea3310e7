import Fluent
import SQLKit

/// Per-contract milestone totals kept by the database itself: how many milestones a contract has, how many are done,
/// done late, and open but started. None of these depends on the date, so triggers on `milestones` keep them exact on
/// every insert, update and delete, whichever path writes (API, import, CLI, generator, another instance). The
/// dashboard sums these ≈ 10 000 rows instead of reading ≈ 100 000 milestone index entries at scale L; what depends on
/// today (open and already late) is counted over the open-milestone index's range before today.
struct AddMilestoneTotals: AsyncMigration {
    static let table = "milestone_totals"
    static let columns = ["total", "done", "done_late", "open_started"]

    /// One milestone's share of each total; `row` is `NEW` or `OLD` in a trigger, a table alias in the backfill.
    static func shares(_ row: String) -> [String] {
        [
            "1",
            "CASE WHEN \(row).actual_on IS NOT NULL THEN 1 ELSE 0 END",
            "CASE WHEN \(row).actual_on IS NOT NULL AND \(row).actual_on > \(row).planned_on THEN 1 ELSE 0 END",
            "CASE WHEN \(row).actual_on IS NULL AND \(row).progress > 0 THEN 1 ELSE 0 END",
        ]
    }

    /// Adds `NEW`'s shares to its contract's row, creating the row if needed.
    static let add = """
        INSERT INTO \(table) (contract_id, \(columns.joined(separator: ", "))) VALUES (NEW.contract_id, \(shares("NEW").joined(separator: ", ")))
        ON CONFLICT (contract_id) DO UPDATE SET \(columns.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ", "))
        """
    /// Takes `OLD`'s shares from its contract's row.
    static let subtract = """
        UPDATE \(table) SET \(zip(columns, shares("OLD")).map { "\($0) = \($0) - (\($1))" }.joined(separator: ", "))
        WHERE contract_id = OLD.contract_id
        """
    /// The columns whose change can move a milestone between totals.
    static let watched = "contract_id, actual_on, planned_on, progress"

    func prepare(on database: any Database) async throws {
        let t = Self.table
        func run(_ statement: String) async throws { try await database.sql.raw(SQLQueryString(statement)).run() }
        // contract_id is declared as every other id column is, so joins on it keep using its primary key.
        var create = database.schema(t).field("contract_id", .uuid, .identifier(auto: false))
        for column in Self.columns { create = create.field(FieldKey(stringLiteral: column), .int, .required) }
        try await create.create()
        try await run("""
            INSERT INTO \(t) (contract_id, \(Self.columns.joined(separator: ", ")))
            SELECT m.contract_id, \(Self.shares("m").map { "SUM(\($0))" }.joined(separator: ", ")) FROM milestones m GROUP BY m.contract_id
            """)
        if database.isSQLite {
            for statement in [
                "CREATE TRIGGER milestone_totals_insert AFTER INSERT ON milestones BEGIN \(Self.add); END",
                "CREATE TRIGGER milestone_totals_update AFTER UPDATE OF \(Self.watched) ON milestones BEGIN \(Self.subtract); \(Self.add); END",
                "CREATE TRIGGER milestone_totals_delete AFTER DELETE ON milestones BEGIN \(Self.subtract); END",
            ] { try await run(statement) }
        } else {
            try await run("""
                CREATE OR REPLACE FUNCTION milestone_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN \(Self.subtract); END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') THEN \(Self.add); END IF;
                  RETURN NULL;
                END $$
                """)
            try await run("""
                CREATE TRIGGER milestone_totals_change AFTER INSERT OR DELETE OR UPDATE OF \(Self.watched) ON milestones
                FOR EACH ROW EXECUTE FUNCTION milestone_totals_apply()
                """)
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        if database.isSQLite {
            for name in ["milestone_totals_insert", "milestone_totals_update", "milestone_totals_delete"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(ident: name)").run()
            }
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS milestone_totals_change ON milestones").run()
            try await sql.raw("DROP FUNCTION IF EXISTS milestone_totals_apply()").run()
        }
        try await database.schema(Self.table).delete()
    }
}
