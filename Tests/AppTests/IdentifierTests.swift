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
        ]
        for value in values {
            #expect(try SQLiteWriterDatabase.sqliteData(value) == SQLiteDataEncoder().encode(value), "\(value)")
        }
    }
}
