import Foundation
import Testing
@testable import LvyueCore

@Suite struct ConcurrencyTests {
    /// One calendar value shared by many tasks that all need year tables built lazily at the same
    /// time must give the same answers as a sequential run.
    @Test func lazyTablesAreSafeToShare() async throws {
        let cal = try WorkCalendar(definition: berlinOffice.definition)
        let starts = (0..<64).map { Date(timeIntervalSince1970: 1_900_000_000 + Double($0) * 13_000_000) } // 2030…2056
        let expected = try starts.map { try berlinOffice.deadline(from: $0, workingMinutes: 1000) }
        let results = try await withThrowingTaskGroup(of: (Int, Date).self) { group in
            for (i, s) in starts.enumerated() {
                group.addTask { (i, try cal.deadline(from: s, workingMinutes: 1000)) }
            }
            var out = [Date?](repeating: nil, count: starts.count)
            for try await (i, d) in group { out[i] = d }
            return out
        }
        #expect(results == expected.map { Optional($0) })
    }
}
