import Foundation

/// A template version's content is a table: rows of column → text. The diff pairs rows of two versions by their
/// key columns (a milestone by its name, a risk by its description, …) and says, row by row, what was added,
/// removed or changed (issue #7, side-by-side diff).
public enum TemplateDiff {
    public enum Change: String, Codable, CaseIterable, Sendable { case added, removed, changed, unchanged }

    public struct Row: Equatable, Sendable {
        public var change: Change
        /// The row in the older version (nil when added).
        public var left: [String: String]?
        /// The row in the newer version (nil when removed).
        public var right: [String: String]?
        /// Columns whose text differs (changed rows only), in column order.
        public var changedColumns: [String]
    }

    public struct Summary: Equatable, Sendable {
        public var added = 0, removed = 0, changed = 0, unchanged = 0
    }

    /// Rows in the newer version's order; a removed row appears where it stood relative to the rows around it.
    /// Rows with equal keys are paired in order of appearance.
    public static func diff(columns: [String], keyColumns: [String], left: [[String: String]], right: [[String: String]]) -> [Row] {
        func key(_ row: [String: String]) -> String { keyColumns.map { row[$0] ?? "" }.joined(separator: "\u{1F}") }
        var leftByKey: [String: [Int]] = [:]
        for (i, row) in left.enumerated() { leftByKey[key(row), default: []].append(i) }
        var matchOfRight: [Int?] = []
        var matchedLeft = Set<Int>()
        for row in right {
            let k = key(row)
            if var queue = leftByKey[k], !queue.isEmpty {
                let i = queue.removeFirst()
                leftByKey[k] = queue
                matchOfRight.append(i)
                matchedLeft.insert(i)
            } else {
                matchOfRight.append(nil)
            }
        }
        var out: [Row] = []
        var emitted = Set<Int>()
        func flushRemoved(before limit: Int) {
            for i in 0..<limit where !matchedLeft.contains(i) && !emitted.contains(i) {
                emitted.insert(i)
                out.append(Row(change: .removed, left: left[i], right: nil, changedColumns: []))
            }
        }
        for (j, row) in right.enumerated() {
            guard let i = matchOfRight[j] else {
                out.append(Row(change: .added, left: nil, right: row, changedColumns: []))
                continue
            }
            flushRemoved(before: i)
            let changed = columns.filter { (left[i][$0] ?? "") != (row[$0] ?? "") }
            out.append(Row(change: changed.isEmpty ? .unchanged : .changed, left: left[i], right: row, changedColumns: changed))
        }
        flushRemoved(before: left.count)
        return out
    }

    public static func summary(_ rows: [Row]) -> Summary {
        var s = Summary()
        for r in rows {
            switch r.change {
            case .added: s.added += 1
            case .removed: s.removed += 1
            case .changed: s.changed += 1
            case .unchanged: s.unchanged += 1
            }
        }
        return s
    }
}

/// Milestone plans are offsets from the contract's start: calendar days, or working days on a calendar.
public enum MilestonePlanning {
    public enum OffsetUnit: String, Codable, CaseIterable, Sendable {
        case days
        case workingDays = "working_days"
    }

    /// The planned date of a milestone `offset` units after `start`. Working days are counted on `calendar`, not
    /// counting the start day itself (offset 0: the start day).
    public static func plannedDate(start: LocalDate, offset: Int, unit: OffsetUnit, calendar: WorkCalendar) throws -> LocalDate {
        switch unit {
        case .days: return start.adding(days: offset)
        case .workingDays: return try calendar.addWorkingDays(start, offset)
        }
    }
}
