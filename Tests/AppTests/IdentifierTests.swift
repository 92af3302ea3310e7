@testable import App
import Foundation
import LvyueCore
import SQLiteKit
import SQLiteNIO
import Testing

@Suite("Identifiers and bound values")
struct IdentifierTests {
    @Test func uuidV7CarriesItsMillisecondAndRandomBits() {
        let at = Date(timeIntervalSince1970: 1_790_000_000.123)
        let ids = (0..<200).map { _ in UUIDv7.make(at: at) }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let b = id.uuid
            let ms = [b.0, b.1, b.2, b.3, b.4, b.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(ms == 1_790_000_000_123)
            #expect(b.6 >> 4 == 7)
            #expect(b.8 >> 6 == 0b10)
        }
        #expect(UUIDv7.make(at: at).uuidString < UUIDv7.make(at: at.addingTimeInterval(0.002)).uuidString)
        #expect(SecureToken.make().count == 43)
        for id in ids + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))] {
            #expect(Hex.uuidString(id) == id.uuidString)
            #expect(Hex.uuidString(id, lowercase: true) == id.uuidString.lowercased())
            #expect(ServiceSitePaths.request.path(id) == "/service/requests/\(id.uuidString.lowercased())")
        }
        #expect(SitePath.clauseNew.path(ids[0]) == "/contracts/\(ids[0].uuidString.lowercased())/clauses/new")
    }

    enum Kind: String, Encodable { case a }

    /// The writer's own conversion of bound values gives what SQLiteKit's encoder gives.
    @Test func boundValuesAreSQLiteKitsValues() throws {
        let values: [any Encodable] = [
            "text", 42, Int64(7), true, false, 1.5, UUID(), Date(timeIntervalSince1970: 1_790_000_000.5), Kind.a,
            String?.none, String?.some("x"), UUID?.none, Int?.some(3), SQLiteData.null, SQLiteData.integer(9), Data([1, 2]),
            ServiceChannel.phone, RequestType.consultation, Urgency.urgent, RequestStatus.onSite, RequestStatus?.some(.closed),
        ]
        for value in values {
            #expect(try SQLiteWriterDatabase.sqliteData(value) == SQLiteDataEncoder().encode(value), "\(value)")
        }
    }

    /// Ids read back from the database are parsed as Foundation parses them, without its `sscanf`.
    @Test func idsAreReadAsFoundationReadsThem() {
        let ids = (0..<500).map { _ in UUID() } + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                                                 UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for id in ids {
            #expect(Hex.uuid(id.uuidString) == id)
            #expect(Hex.uuid(id.uuidString.lowercased()) == id)
            #expect(Hex.uuid(NSString(string: id.uuidString) as String) == id)
        }
        let sample = ids[0].uuidString
        let head = String(sample.prefix(8)), tail = String(sample.dropFirst(9)), rest = String(sample.dropFirst())
        var bad: [String] = ["", "x", String(sample.dropLast()), sample + "0", sample.replacingOccurrences(of: "-", with: "")]
        bad += ["G" + rest, head + "0" + tail, " " + rest, String(sample.prefix(35)) + "é"]
        // Refused here; the rows leave such text to SQLiteKit's decoder, which reads it as Foundation does.
        for text in bad { #expect(Hex.uuid(text) == nil, "\(text)") }
    }

    /// The writer's rows convert the common types themselves, to what SQLiteKit's decoder gives (or leave the value to it).
    @Test func writerRowsDecodeAsSQLiteKitDecodes() throws {
        let decoder = SQLiteDataDecoder()
        let id = UUID()
        let data: [SQLiteData] = [.text("plain"), .text(id.uuidString), .text(id.uuidString.lowercased()), .text("not an id"),
                                  .integer(42), .integer(-7), .float(1_790_000_000.25), .float(-0.5), .null]
        func check<D: Decodable & Equatable>(_ type: D.Type) {
            for value in data {
                guard let direct = DirectSQLiteConnection.Row.direct(value, as: D.self) else { continue }
                #expect(direct == (try? decoder.decode(D.self, from: value)), "\(value) as \(D.self)")
            }
        }
        check(String.self); check(UUID.self); check(Int.self); check(Int64.self); check(Date.self); check(Double.self)
        #expect(DirectSQLiteConnection.Row.direct(SQLiteData.text(id.uuidString), as: UUID.self) == id)
        #expect(DirectSQLiteConnection.Row.direct(SQLiteData.text("not an id"), as: UUID.self) == nil)
        #expect(DirectSQLiteConnection.Row.direct(SQLiteData.integer(1), as: Bool.self) == nil)
    }

    /// A fixed statement's text keeps its placeholders in order.
    @Test func fixedStatementsSplitAtTheirPlaceholders() {
        let text: SQLText = "UPDATE t SET a = ?, b = ? WHERE id = ?"
        #expect(text.placeholders == 3)
        #expect(text.pieces == ["UPDATE t SET a = ", ", b = ", " WHERE id = ", ""])
        #expect(SQLText("COMMIT").placeholders == 0)
    }
}
