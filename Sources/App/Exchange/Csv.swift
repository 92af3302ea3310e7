import Foundation
import LvyueCore

/// CSV as Excel opens it correctly: UTF-8 with a byte-order mark (without it Excel reads Chinese as
/// GBK mojibake), CRLF line ends, fields quoted per RFC 4180 when they hold a comma, quote or line break.
enum CsvWriter {
    static let bom = Data([0xEF, 0xBB, 0xBF])

    /// The header row and the rows of one sheet, in memory (tests; exports stream through `CsvFileWriter`).
    static func data(_ sheet: XlsxSheet, timeZone: TimeZone = JSONCoding.displayTimeZone) -> Data {
        var out = bom
        out.append(Data(line(sheet.columns.map(\.header)).utf8))
        for row in sheet.rows { out.append(Data(rowLine(row, timeZone: timeZone).utf8)) }
        return out
    }

    /// One record as a CSV line; text that a spreadsheet would run as a formula is guarded.
    static func rowLine(_ row: [XlsxCell], timeZone: TimeZone) -> String {
        line(row.map { cell in
            if case .text(let t) = cell { return guarded(XlsxWorkbook.cleanText(t)) }
            return text(cell, timeZone: timeZone)
        })
    }

    /// What a spreadsheet would read as the start of a formula (CSV injection: `=`, `+`, `-`, `@`, tab, CR).
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// A text cell that a spreadsheet would run as a formula gets a leading `'`, which Excel and LibreOffice show as
    /// text. Text that already starts with quotes before such a character gets one more, so `CsvReader` (which strips
    /// exactly one quote in that case) gives back every text unchanged.
    static func guarded(_ t: String) -> String {
        guard let first = t.unicodeScalars.drop(while: { $0 == "'" }).first, formulaStarts.contains(first) else { return t }
        return "'" + t
    }

    /// The inverse of `guarded`: one leading `'` removed where `guarded` would have added it.
    static func unguarded(_ t: String) -> String {
        guard t.hasPrefix("'"), let first = t.unicodeScalars.drop(while: { $0 == "'" }).first, formulaStarts.contains(first) else { return t }
        return String(t.dropFirst())
    }

    static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ field: String) -> String {
        let clean = XlsxWorkbook.cleanText(field)
        guard clean.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return clean
        }
        return "\"" + clean.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A cell as CSV text: dates "2026-03-02", instants "2026-03-02 09:30:00" in the company's zone,
    /// amounts exactly as stored, booleans TRUE/FALSE as Excel writes them.
    static func text(_ cell: XlsxCell, timeZone: TimeZone) -> String {
        switch cell {
        case .empty: return ""
        case .text(let t): return t
        case .integer(let n): return String(n)
        case .number(let d): return d.isFinite ? XlsxWorkbook.formatNumber(d) : ""
        case .decimal(let d): return XlsxWorkbook.normalDecimal(d) ?? d
        case .date(let d): return d.description
        case .dateTime(let t): return formatDateTime(t, in: timeZone)
        case .bool(let b): return b ? "TRUE" : "FALSE"
        }
    }

    static func formatDateTime(_ t: Date, in zone: TimeZone) -> String {
        let seconds = Int((t.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: t))).rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let rest = seconds - days * 86_400
        let date = LocalDate(daysSinceEpoch: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(date) \(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))"
    }
}

/// A CSV export written into a file a page at a time. A CSV file holds one sheet.
final class CsvFileWriter: SheetWriter {
    let path: String
    let timeZone: TimeZone
    private var handle: FileHandle?
    private var begun = false

    init(path: String, timeZone: TimeZone = JSONCoding.displayTimeZone) {
        self.path = path
        self.timeZone = timeZone
    }

    func beginSheet(_ name: String, columns: [XlsxColumn], freezeHeader: Bool = true) throws {
        guard !begun else { throw XlsxError.zip }
        begun = true
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw XlsxError.zip }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle = h
        var head = CsvWriter.bom
        head.append(Data(CsvWriter.line(columns.map(\.header)).utf8))
        try h.write(contentsOf: head)
    }

    func append(_ rows: [[XlsxCell]]) throws {
        guard let handle else { throw XlsxError.noSheet }
        var text = ""
        for row in rows {
            text += CsvWriter.rowLine(row, timeZone: timeZone)
            if text.utf8.count >= XlsxWriter.flushBytes {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        if !text.isEmpty { try handle.write(contentsOf: Data(text.utf8)) }
    }

    func finish() throws {
        try handle?.close()
        handle = nil
    }

    func discard() {
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(atPath: path)
    }
}
