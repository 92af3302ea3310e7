import FluentKit
import FluentSQL
import LvyueCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import Vapor
import VaporCSQLite

/// The one connection that writes, on SQLite. Every write batch of the `WriteQueue` runs on it, synchronously through
/// SQLite's C interface (`DirectSQLiteConnection`), on a thread of its own.
///
/// The pooled connections (sqlite-nio) run each statement on a thread of their pool and hand the result back to the
/// event loop: two thread switches per statement, and a statement prepared again every time. A creation runs about
/// fifteen statements, and those switches were a third of its cost. Here a statement is a function call on the thread
/// that runs the batch, so a whole batch runs without a switch. That thread is the writer's own (an event loop of its
/// own), not one that also serves HTTP connections: the batches are the one serial part of the server, and nothing else
/// waits behind them there.
///
/// Reads stay on the pool: in WAL mode they go on while this connection writes. The same SQLite library (sqlite-nio's)
/// serves both, so the file's locks are shared as SQLite expects. Values are encoded and decoded by SQLiteKit's own
/// coders, so a model reads back exactly what the pooled connections would have written.
///
/// Checkpoints (copying the write-ahead log back into the database file, and syncing it) are mostly not the writer's:
/// SQLite does them on the committing connection every thousand pages, a twentieth of the writer's time under load. A
/// connection of its own does them on a thread of its own every quarter second (`checkpoint`), alongside the writes,
/// as SQLite allows. Under a steady stream of writes those never catch up with the end of the log, and only a
/// checkpoint that has can let the log start over; so the writer still checkpoints, every 4 000 pages, when all but
/// the newest pages have already been copied.
final class SQLiteWriter: Sendable {
    let connection: DirectSQLiteConnection
    /// The writer's thread, the checkpointer's and the log sync's, started with it and stopped by `close`.
    private let thread: MultiThreadedEventLoopGroup
    /// The event loop the batches run on, and the loop of the futures this connection returns.
    let loop: any EventLoop
    /// The batches' executor, on `loop`: one instance, so a batch started on it runs its statements without a hop.
    let executor: EventLoopTaskExecutor
    private let checkpointer: DirectSQLiteConnection
    private let checkpoints: RepeatedTask
    /// Makes committed batches durable before their callers hear of them, on a thread of its own (`LogSync`).
    let logSync: LogSync

    init(path: String, sync: @escaping @Sendable (Int32) -> Int32 = syncFileData) {
        connection = DirectSQLiteConnection(path: path, role: .writer)
        thread = MultiThreadedEventLoopGroup(numberOfThreads: 3)
        loop = thread.next()
        executor = EventLoopTaskExecutor(loop)
        let checkpointer = DirectSQLiteConnection(path: path, role: .checkpointer)
        self.checkpointer = checkpointer
        checkpoints = thread.next().scheduleRepeatedTask(initialDelay: .milliseconds(250), delay: .milliseconds(250)) { _ in
            _ = try? checkpointer.checkpoint()
        }
        logSync = LogSync(logPath: path + "-wal", loop: thread.next(), sync: sync)
    }

    /// Checkpoints now, on the caller's thread: how many frames the log holds and how many of them are in the database
    /// file (all, unless a reader still needs older pages).
    @discardableResult
    func checkpoint() throws -> (frames: Int, copied: Int) { try checkpointer.checkpoint() }

    /// `body` with a Fluent and SQLKit database on this connection, run on its event loop.
    func withDatabase<T: Sendable>(like base: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let context = DatabaseContext(
            configuration: base.context.configuration, logger: base.context.logger, eventLoop: loop,
            history: base.context.history, pageSizeLimit: base.context.pageSizeLimit)
        let db = SQLiteWriterDatabase(writer: connection, context: context)
        return try await withTaskExecutorPreference(executor) { try await body(db) }
    }

    /// Closes the connection and stops the thread; when the application shuts down.
    func close() async throws {
        checkpoints.cancel()
        connection.close()
        checkpointer.close()
        try await thread.shutdownGracefully()
        logSync.close()
    }
}

/// The write-ahead log made durable after a commit, off the writer's thread.
///
/// With SQLite's full synchronous mode every COMMIT waits for the disk to confirm the log (`fdatasync`) on the writer's
/// thread, which under load spent a tenth of its time so (and holds up every write behind it). In WAL mode the writer
/// commits in normal mode instead (the frames are written to the log, not synced) and goes on with the next batch while
/// this thread syncs the log and only then tells the batch's callers: no write is acknowledged before its log frames are
/// on disk, as in full mode, and a power cut loses none. One sync covers every batch committed before it, so batches
/// that commit while a sync runs share the next. What normal mode alone gives up (the last commits after a power cut)
/// is never acknowledged. The difference from full mode: for the moment between commit and sync, other connections
/// can already read a batch that a power cut would then undo, together with everything after it.
final class LogSync: Sendable {
    typealias Done = @Sendable ((any Error)?) -> Void

    private let logPath: String
    private let loop: any EventLoop
    private let sync: @Sendable (Int32) -> Int32
    private struct State {
        var waiting: [Done] = []
        var syncing = false
        /// The log file, opened when first synced (the log exists once a batch has committed) and again if it was
        /// replaced.
        var file: Int32 = -1
        var syncs = 0
    }
    private let state = NIOLockedValueBox(State())

    init(logPath: String, loop: any EventLoop, sync: @escaping @Sendable (Int32) -> Int32) {
        self.logPath = logPath
        self.loop = loop
        self.sync = sync
    }

    /// How many syncs have run.
    var syncs: Int { state.withLockedValue { $0.syncs } }

    /// Calls `done` once the log holds everything committed so far on disk (with the error if it could not be synced).
    func afterSync(_ done: @escaping Done) {
        let start = state.withLockedValue { s -> Bool in
            s.waiting.append(done)
            if s.syncing { return false }
            s.syncing = true
            return true
        }
        if start { loop.execute { self.drain() } }
    }

    private func drain() {
        while true {
            let (waiting, file) = state.withLockedValue { s -> ([Done], Int32) in
                let waiting = s.waiting
                s.waiting = []
                if waiting.isEmpty { s.syncing = false }
                return (waiting, s.file)
            }
            if waiting.isEmpty { return }
            let outcome = syncLog(file)
            for done in waiting { done(outcome) }
        }
    }

    private func syncLog(_ known: Int32) -> (any Error)? {
        var file = known
        var now = stat(), opened = stat()
        // The log is replaced only when every connection to the database has closed; checked on each sync all the same.
        let current = file >= 0 && stat(logPath, &now) == 0 && fstat(file, &opened) == 0
            && now.st_ino == opened.st_ino && now.st_dev == opened.st_dev
        if !current {
            if file >= 0 { closeFile(file) }
            file = open(logPath, O_RDONLY | O_CLOEXEC)
            state.withLockedValue { $0.file = file }
            if file < 0 { return LogSyncFailed(path: logPath, code: errno) }
        }
        let rc = sync(file)
        state.withLockedValue { $0.syncs += 1 }
        return rc == 0 ? nil : LogSyncFailed(path: logPath, code: errno)
    }

    func close() {
        state.withLockedValue { s in
            if s.file >= 0 { closeFile(s.file) }
            s.file = -1
        }
    }
}

private func closeFile(_ file: Int32) { _ = close(file) }

/// `fdatasync` where there is one.
func syncFileData(_ file: Int32) -> Int32 {
    #if os(Linux)
    fdatasync(file)
    #else
    fsync(file)
    #endif
}

/// The disk did not confirm the log: the batch committed, but whether it would survive a power cut is not known.
struct LogSyncFailed: AbortError {
    var path: String
    var code: Int32
    var status: HTTPResponseStatus { .serviceUnavailable }
    var reason: String { "the database could not confirm the write on disk (\(path): error \(code)); check the storage before going on" }
}

/// Read connections of their own for the one read every API request makes, its bearer token (`BearerAuthMiddleware`):
/// one per event loop, each read run in place on the thread that asks. Through the pool (sqlite-nio) that read was two
/// switches of threads and a statement prepared again; here it is a function call on a statement kept prepared. In WAL
/// mode a read sees every commit made before it starts, so a revoked token is refused at once, as before.
final class SQLiteReaders: Sendable {
    let path: String
    private let connections = NIOLockedValueBox<[ObjectIdentifier: DirectSQLiteConnection]>([:])

    init(path: String) { self.path = path }

    /// The connection of `loop` (a request's event loop), opened when first asked for.
    func connection(for loop: any EventLoop) -> DirectSQLiteConnection {
        connections.withLockedValue { all in
            let key = ObjectIdentifier(loop)
            if let connection = all[key] { return connection }
            let connection = DirectSQLiteConnection(path: path, role: .reader)
            all[key] = connection
            return connection
        }
    }

    /// How many connections have been opened, and how many statements they prepared in all.
    var counts: (connections: Int, prepared: Int) {
        let all = connections.withLockedValue { Array($0.values) }
        return (all.count, all.reduce(0) { $0 + $1.statementCounts.prepared })
    }

    func close() {
        for connection in connections.withLockedValue({ Array($0.values) }) { connection.close() }
    }
}

/// One SQLite connection used through SQLite's C interface on whichever thread calls it, one statement at a time, with
/// each distinct statement prepared once and kept: the writer's, its checkpointer's, the token readers' and the read
/// cache's data-version probe (`SQLiteDataVersion`).
final class DirectSQLiteConnection: @unchecked Sendable {
    enum Role {
        /// Reads and writes, and leaves most of the checkpoints to the checkpointer.
        case writer
        /// Only checkpoints.
        case checkpointer
        /// Opened read-only.
        case reader
    }

    let path: String
    let role: Role
    /// At most this many prepared statements are kept; past it they are all finalized and prepared again as used.
    static let keptStatements = 256
    /// The writer checkpoints itself when the log has this many pages (`SQLiteWriter`).
    static let writerCheckpointPages = 4000

    // Guarded by `lock`: one statement at a time, whatever thread asks.
    private let lock = NIOLock()
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// The column names of each kept statement that returned rows, read from SQLite once.
    private var columnNames: [OpaquePointer: [String]] = [:]
    private var preparedCount = 0
    private var syncsAfterCommit = false
    private var replannedCount = 0

    /// How long a statement waits for a lock held elsewhere: by default 30 s for the writer and checkpointer, 2 s for a
    /// reader.
    private let busyTimeout: Int32

    init(path: String, role: Role, busyTimeout milliseconds: Int32? = nil) {
        self.path = path
        self.role = role
        busyTimeout = milliseconds ?? (role == .reader ? 2_000 : 30_000)
    }

    /// Runs one statement to its end, handing each row to `onRow`.
    func run(_ sql: String, _ binds: [SQLiteData], decoder: SQLiteDataDecoder, _ onRow: (Row) -> Void) throws {
        try lock.withLock {
            let db = try opened()
            let statement = try prepared(sql, on: db)
            defer {
                replannedCount += Int(sqlite_nio_sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 1))
                sqlite_nio_sqlite3_reset(statement)
            }
            // Every parameter is bound again on each run, so the last run's values are not cleared first: clearing
            // marks a statement whose plan looked at its values (SQLite does this for any equality it filters on
            // after the index) as expired, and it would be planned again every time.
            if binds.count != Int(sqlite_nio_sqlite3_bind_parameter_count(statement)) {
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            for (index, value) in binds.enumerated() {
                let rc = Self.bind(value, at: Int32(index + 1), to: statement)
                guard rc == SQLITE_OK else { throw SQLiteWriterError.failure(rc, db) }
            }
            var columns: [String]?
            while true {
                let rc = sqlite_nio_sqlite3_step(statement)
                if rc == SQLITE_DONE { return }
                guard rc == SQLITE_ROW else { throw SQLiteWriterError.failure(rc, db) }
                let count = sqlite_nio_sqlite3_column_count(statement)
                if columns == nil { columns = names(of: statement, count: count) }
                onRow(Row(columns: columns!, values: (0..<count).map { Self.value(at: $0, of: statement) }, decoder: decoder))
            }
        }
    }

    /// Whether this connection's commits leave syncing the log to `LogSync` (the writer, in WAL mode); known once it
    /// has opened.
    var leavesLogSync: Bool { lock.withLock { syncsAfterCommit } }

    /// How many statements were prepared and how many runs had to plan their statement again (SQLite does when a
    /// schema changed, or when a plan that looked at a bound value is marked stale), since the connection opened.
    var statementCounts: (prepared: Int, replanned: Int) { lock.withLock { (preparedCount, replannedCount) } }

    /// Finalizes the statements and closes the connection (it opens again if used after).
    func close() {
        lock.withLock {
            finalizeStatements()
            sqlite_nio_sqlite3_close(handle)
            handle = nil
        }
    }

    /// Copies what it can of the write-ahead log into the database file without waiting for readers or the writer
    /// (SQLite's passive checkpoint): how many frames the log holds and how many are now in the file.
    func checkpoint() throws -> (frames: Int, copied: Int) {
        try lock.withLock {
            let db = try opened()
            var frames: Int32 = 0, copied: Int32 = 0
            let rc = sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied)
            guard rc == SQLITE_OK else { throw SQLiteWriterError.failure(rc, db) }
            return (Int(frames), Int(copied))
        }
    }

    // MARK: Connection and statements (called under `lock`)

    private func opened() throws -> OpaquePointer {
        if let handle { return handle }
        var db: OpaquePointer?
        let flags = (role == .reader ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        let rc = sqlite_nio_sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteWriterError(rc, db)
            sqlite_nio_sqlite3_close(db)
            throw error
        }
        // Another process's writer is waited for, but not forever: a write that cannot start in 30 s fails instead of
        // hanging its caller. A reader runs on an event loop, where a wait holds up every connection of the loop: in WAL
        // mode it waits only in rare moments (another process recovering or truncating the log), and at most 2 s.
        sqlite_nio_sqlite3_busy_timeout(db, busyTimeout)
        guard role == .writer else {
            // A connection finds the write-ahead log when it first reads; until then it would not checkpoint it.
            if role == .checkpointer { sqlite_nio_sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nil, nil, nil) }
            handle = db
            return db
        }
        // Foreign keys as on the pooled connections (SQLiteKit turns them on for each). The savepoints' undo records
        // in memory rather than a temporary file written on every change; a page cache of 16 MB for the pages every
        // write touches (indexes, the audit chain's tail), where the default is 2 MB. Checkpoints every 4 000 pages of log
        // rather than 1 000 (`SQLiteWriter`).
        // In WAL mode its commits write the log without syncing it: the log is synced before any caller is told of the
        // commit (`LogSync`), off this thread.
        let wal = Self.text(of: "PRAGMA journal_mode", on: db) == "wal"
        var setup = "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = \(Self.writerCheckpointPages)"
        if wal { setup += "; PRAGMA synchronous = NORMAL" }
        let set = sqlite_nio_sqlite3_exec(db, setup, nil, nil, nil)
        guard set == SQLITE_OK else {
            let error = SQLiteWriterError(set, db)
            sqlite_nio_sqlite3_close(db)
            throw error
        }
        handle = db
        syncsAfterCommit = wal
        return db
    }

    /// The first column of a statement's first row, as text.
    private static func text(of sql: String, on db: OpaquePointer) -> String? {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return nil }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        guard sqlite_nio_sqlite3_step(statement) == SQLITE_ROW, let text = sqlite_nio_sqlite3_column_text(statement, 0) else { return nil }
        return String(cString: text)
    }

    private func prepared(_ sql: String, on db: OpaquePointer) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.keptStatements { finalizeStatements() }
        var statement: OpaquePointer?
        let rc = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            sqlite_nio_sqlite3_finalize(statement)
            throw SQLiteWriterError.failure(rc, db)
        }
        statements[sql] = statement
        preparedCount += 1
        return statement
    }

    private func finalizeStatements() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements.removeAll()
        columnNames.removeAll()
    }

    /// A statement's column names, kept with it unless SQLite had to prepare it again in this run (a schema change,
    /// which may have changed its columns).
    private func names(of statement: OpaquePointer, count: Int32) -> [String] {
        if let kept = columnNames[statement], kept.count == Int(count),
           sqlite_nio_sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 0) == 0 { return kept }
        let names = (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
        columnNames[statement] = names
        return names
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ value: SQLiteData, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let v): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(v))
        case .float(let v): sqlite_nio_sqlite3_bind_double(statement, index, v)
        case .text(let v): sqlite_nio_sqlite3_bind_text64(statement, index, v, UInt64(v.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .blob(let v):
            v.withUnsafeReadableBytes { sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient) }
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private static func value(at column: Int32, of statement: OpaquePointer) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .null }
            return .text(String(cString: text))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default: return .null
        }
    }

    /// A row as SQLKit reads it, decoded by SQLiteKit's decoder as the pooled connections' rows are.
    struct Row: SQLRow {
        let columns: [String]
        let values: [SQLiteData]
        let decoder: SQLiteDataDecoder

        var allColumns: [String] { columns }
        private func value(_ column: String) -> SQLiteData? { columns.firstIndex(of: column).map { values[$0] } }
        func contains(column: String) -> Bool { columns.contains(column) }
        func decodeNil(column: String) throws -> Bool { (value(column) ?? .null) == .null }
        func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
            guard let data = value(column) else { throw SQLiteWriterError.missingColumn(column) }
            return try Self.direct(data, as: D.self) ?? decoder.decode(D.self, from: data)
        }

        /// The values every write reads (ids, text, counts, instants) converted as SQLiteKit's decoder converts them,
        /// without asking the type for its conformances or going through `Decodable`; ids are read without the C
        /// library's formatted scanning Foundation uses. Anything else (and any text that is not an id) is left to the
        /// decoder.
        static func direct<D>(_ data: SQLiteData, as type: D.Type) -> D? {
            switch data {
            case .text(let text):
                if D.self == String.self { return unsafeBitCast(text, to: D.self) }
                if D.self == UUID.self, let id = Hex.uuid(text) { return unsafeBitCast(id, to: D.self) }
            case .integer(let n):
                if D.self == Int.self { return unsafeBitCast(n, to: D.self) }
                if D.self == Int64.self { return unsafeBitCast(Int64(n), to: D.self) }
            case .float(let v):
                if D.self == Date.self { return unsafeBitCast(Date(timeIntervalSince1970: v), to: D.self) }
                if D.self == Double.self { return unsafeBitCast(v, to: D.self) }
            default: break
            }
            return nil
        }
    }
}

/// An error of the writer connection, classified for Fluent as sqlite-nio's errors are.
struct SQLiteWriterError: Error, DatabaseError, CustomStringConvertible {
    /// SQLite's extended result code.
    let code: Int32
    let message: String

    init(_ code: Int32, _ db: OpaquePointer?) {
        self.code = code
        self.message = db.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite_nio_sqlite3_errstr(code))
    }

    private init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    static func missingColumn(_ column: String) -> Self { Self(code: SQLITE_ERROR, message: "no column \(column) in the row") }

    /// The error a failed call throws: `DatabaseBusy` when another connection held the write lock for the whole
    /// `busy_timeout`, this error otherwise.
    static func failure(_ code: Int32, _ db: OpaquePointer?) -> any Error {
        code & 0xff == SQLITE_BUSY ? DatabaseBusy() : SQLiteWriterError(code, db)
    }

    private var primary: Int32 { code & 0xff }
    var isSyntaxError: Bool { primary == SQLITE_ERROR || primary == SQLITE_SCHEMA }
    var isConstraintFailure: Bool { primary == SQLITE_CONSTRAINT }
    var isConnectionClosed: Bool { primary == SQLITE_MISUSE || primary == SQLITE_CANTOPEN }
    var description: String { "SQLite error \(code): \(message)" }
}

/// Another process (an import, a restore) held SQLite's write lock for the writer's whole wait: the write changed
/// nothing and may be tried again, so the answer is 503 with `Retry-After` rather than an internal error.
struct DatabaseBusy: AbortError {
    var status: HTTPResponseStatus { .serviceUnavailable }
    var reason: String { "the database is busy with another writer; try again shortly" }
    var headers: HTTPHeaders { ["Retry-After": "5"] }
}

/// Fluent's and SQLKit's view of the writer connection, always inside the batch's transaction. Every call runs to its
/// end before it returns; the futures it returns are already complete.
struct SQLiteWriterDatabase: Database, SQLDatabase {
    let writer: DirectSQLiteConnection
    let context: DatabaseContext
    private let encoder = SQLiteDataEncoder()
    private let decoder = SQLiteDataDecoder()

    init(writer: DirectSQLiteConnection, context: DatabaseContext) {
        self.writer = writer
        self.context = context
    }

    var logger: Logger { context.logger }
    var eventLoop: any EventLoop { context.eventLoop }
    var dialect: any SQLDialect { SQLiteDialect() }
    var inTransaction: Bool { true }

    private func run(_ query: any SQLExpression, _ onRow: @Sendable (any SQLRow) -> Void) throws {
        if let fixed = query as? SQLStatement {
            // Written for SQLite already: nothing to build or serialize.
            return try writer.run(fixed.text.sqlite, fixed.binds.map { try Self.sqliteData($0, encoder) }, decoder: decoder) { onRow($0) }
        }
        let (sql, binds) = serialize(query)
        try writer.run(sql, binds.map { try Self.sqliteData($0, encoder) }, decoder: decoder) { onRow($0) }
    }

    /// A statement in SQLite's own text (`?` placeholders) with its values converted already: for the inserts every new
    /// request runs (`ModelInsert`), which need no SQLKit expression built and serialized again.
    func run(text: String, _ binds: [SQLiteData]) throws {
        try writer.run(text, binds, decoder: decoder) { _ in }
    }

    /// A bound value as SQLiteKit's encoder converts it, with the common types first: its general path asks each value
    /// whether it conforms to a protocol and encodes the rest through an `Encoder`, and every statement has a dozen.
    static func sqliteData(_ value: any Encodable, _ encoder: SQLiteDataEncoder = SQLiteDataEncoder()) throws -> SQLiteData {
        switch value {
        case let v as UUID: .text(Hex.uuidString(v))
        case let v as String: .text(v)
        case let v as Int: .integer(v)
        case let v as Int64: .integer(Int(v))
        case let v as Date: .float(v.timeIntervalSince1970)
        case let v as Bool: .integer(v ? 1 : 0)
        case let v as SQLiteData: v
        case let v as Double: .float(v)
        // A string enum as its synthesized `Encodable` writes it: its raw value. (Asked as a plain `RawRepresentable`:
        // a cast to `any RawRepresentable<String>` checks its constraint by demangling the type's name on every value.)
        case let v as any RawRepresentable: if let raw = v.rawValue as? String { .text(raw) } else { try encoder.encode(value) }
        default: try encoder.encode(value)
        }
    }

    private func completed(_ body: () throws -> Void) -> EventLoopFuture<Void> {
        do {
            try body()
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    // SQLDatabase

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        completed { try run(query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    // Database

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        var sql = SQLQueryConverter(delegate: SQLiteTypes()).convert(query)
        // As FluentSQLiteDriver does: a create returns the ids it made (unless the custom id key is "", Fluent's sign
        // for a composite id).
        if case .create = query.action, query.customIDKey != .some(.string("")) {
            sql = SQLKit.SQLList([sql, SQLReturning(SQLColumn((query.customIDKey ?? .id).description))], separator: SQLRaw(" "))
        }
        return completed { try run(sql) { onOutput(Output(row: $0, schema: nil)) } }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        completed { try run(SQLSchemaConverter(delegate: SQLiteTypes()).convert(schema)) { _ in } }
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        eventLoop.makeSucceededVoidFuture()
    }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        closure(self)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        closure(self)
    }

    /// SQLite's names for Fluent's types, as FluentSQLiteDriver gives them.
    private struct SQLiteTypes: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
            switch dataType {
            case .string, .enum: SQLRaw("TEXT")
            case .datetime: SQLRaw("REAL")
            case .int64: SQLRaw("INTEGER")
            default: nil
            }
        }
    }

    /// A row as Fluent reads it; `schema` prefixes the column names of a joined model.
    private struct Output: DatabaseOutput {
        let row: any SQLRow
        let schema: String?

        var description: String { String(describing: row) }
        private func column(_ key: FieldKey) -> String {
            (schema.map { FieldKey.prefix(.prefix(.string($0), "_"), key) } ?? key).description
        }
        func schema(_ schema: String) -> any DatabaseOutput { Output(row: row, schema: schema) }
        func contains(_ key: FieldKey) -> Bool { row.contains(column: column(key)) }
        func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: column(key)) }
        func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T { try row.decode(column: column(key), as: T.self) }
    }
}
