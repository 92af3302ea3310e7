import Foundation
import LvyueCore
import ZIPFoundation

/// One cell of an exported sheet. Values keep their type so Excel, LibreOffice and openpyxl read numbers as
/// numbers and dates as dates, not text that looks like them.
enum XlsxCell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    case number(Double)
    /// Money and other exact amounts as decimal text ("1250000.50"), stored as a number cell.
    case decimal(String)
    case date(LocalDate)
    /// An instant, written as wall-clock time in the workbook's zone (Asia/Shanghai unless `LVYUE_TIMEZONE`).
    case dateTime(Date)
    case bool(Bool)
    case empty
}

struct XlsxColumn: Sendable, Equatable {
    var header: String
    /// Width in characters, as Excel counts them (a CJK character is about two).
    var width: Double
}

struct XlsxSheet: Sendable {
    var name: String
    var columns: [XlsxColumn]
    var rows: [[XlsxCell]]
    var freezeHeader: Bool = true
}

/// A workbook of header-row sheets, written as an Office Open XML spreadsheet (a ZIP of XML parts).
///
/// The output is deterministic — no timestamps, fixed entry order — so the same records always give the
/// same bytes, which is what lets the import round trip compare files.
struct XlsxWorkbook: Sendable {
    var sheets: [XlsxSheet]
    var timeZone: TimeZone = JSONCoding.displayTimeZone

    init(sheets: [XlsxSheet], timeZone: TimeZone = JSONCoding.displayTimeZone) {
        self.sheets = sheets
        self.timeZone = timeZone
    }

    /// The workbook in memory (small workbooks: the quarterly report, tests). It goes through `XlsxWriter`, the one
    /// writer of sheets; exports of records stream into it a page at a time instead.
    func data() throws -> Data {
        let path = XlsxWriter.temporaryPath(extension: "xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(to: path)
        guard let data = FileManager.default.contents(atPath: path) else { throw XlsxError.zip }
        return data
    }

    func write(to path: String) throws {
        let writer = XlsxWriter(path: path, timeZone: timeZone)
        do {
            for sheet in sheets {
                try writer.beginSheet(sheet.name, columns: sheet.columns, freezeHeader: sheet.freezeHeader)
                try writer.append(sheet.rows)
            }
            try writer.finish()
        } catch {
            writer.discard()
            throw error
        }
    }

    // MARK: - Parts

    /// Style indexes into `cellXfs` below.
    enum Style: Int {
        case plain = 0, header = 1, date = 2, dateTime = 3, decimal = 4
    }

    static func contentTypes(sheets: Int) -> String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        s += #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        s += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        s += #"<Default Extension="xml" ContentType="application/xml"/>"#
        s += #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        for i in 0..<sheets {
            s += #"<Override PartName="/xl/worksheets/sheet\#(i + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        s += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        s += #"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
        s += #"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#
        s += "</Types>"
        return s
    }

    static let rootRels =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
        + #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#
        + "</Relationships>"

    static let appProps =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        + #"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>lvyue</Application></Properties>"#

    static func workbookXML(names: [String]) -> String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        s += #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        s += #"<bookViews><workbookView/></bookViews><sheets>"#
        for (i, name) in names.enumerated() {
            s += #"<sheet name="\#(XlsxWorkbook.escape(name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }
        s += "</sheets></workbook>"
        return s
    }

    static func workbookRels(sheets: Int) -> String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        s += #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in 0..<sheets {
            s += #"<Relationship Id="rId\#(i + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"#
        }
        let n = sheets
        s += #"<Relationship Id="rId\#(n + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        s += #"<Relationship Id="rId\#(n + 2)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
        s += "</Relationships>"
        return s
    }

    /// Fonts: 0 regular, 1 bold. Number formats: 164 date, 165 date-time, 4 (built-in) "#,##0.00".
    static let styles =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        + #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        + #"<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="165" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/></numFmts>"#
        + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="5">"#
        + #"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
        + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + "</cellXfs>"
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        + "</styleSheet>"

    /// A sheet's XML up to its rows: the dimension (known once every row is written), the frozen header, the widths.
    static func sheetStart(columns: [XlsxColumn], freezeHeader: Bool, width: Int, rowCount: Int) -> String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        s += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        if width > 0 {
            s += #"<dimension ref="A1:\#(columnName(width - 1))\#(rowCount + 1)"/>"#
        }
        s += "<sheetViews>"
        if freezeHeader {
            s += #"<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>"#
        } else {
            s += #"<sheetView workbookViewId="0"/>"#
        }
        s += "</sheetViews>"
        s += #"<sheetFormatPr defaultRowHeight="15"/>"#
        if !columns.isEmpty {
            s += "<cols>"
            for (i, c) in columns.enumerated() {
                let w = c.width.isFinite ? min(max(c.width, 1), 255) : 10
                s += #"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(formatNumber(w))" customWidth="1"/>"#
            }
            s += "</cols>"
        }
        s += "<sheetData>"
        return s
    }

    /// The bold header row (row 1), or nothing for a sheet without columns.
    static func headerRowXML(_ columns: [XlsxColumn], strings: inout SharedStrings) -> String {
        guard !columns.isEmpty else { return "" }
        var s = #"<row r="1">"#
        for (i, c) in columns.enumerated() {
            s += #"<c r="\#(columnName(i))1" s="\#(Style.header.rawValue)" t="s"><v>\#(strings.index(c.header))</v></c>"#
        }
        s += "</row>"
        return s
    }

    static func rowXML(_ row: [XlsxCell], number: Int, strings: inout SharedStrings, timeZone: TimeZone) -> String {
        var s = #"<row r="\#(number)">"#
        for (i, cell) in row.enumerated() {
            s += cellXML(cell, ref: columnName(i) + String(number), strings: &strings, timeZone: timeZone)
        }
        s += "</row>"
        return s
    }

    static let sheetEnd = "</sheetData>"
        + #"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>"#
        + "</worksheet>"

    static func cellXML(_ cell: XlsxCell, ref: String, strings: inout SharedStrings, timeZone: TimeZone) -> String {
        switch cell {
        case .empty:
            return ""
        case .text(let t):
            let clean = cleanText(t)
            if clean.isEmpty { return "" }
            return #"<c r="\#(ref)" t="s"><v>\#(strings.index(clean))</v></c>"#
        case .integer(let n):
            return #"<c r="\#(ref)"><v>\#(n)</v></c>"#
        case .number(let d):
            guard d.isFinite else { return "" }
            return #"<c r="\#(ref)"><v>\#(formatNumber(d))</v></c>"#
        case .decimal(let text):
            guard let normal = normalDecimal(text) else {
                return cellXML(.text(text), ref: ref, strings: &strings, timeZone: timeZone)
            }
            return #"<c r="\#(ref)" s="\#(Style.decimal.rawValue)"><v>\#(normal)</v></c>"#
        case .date(let d):
            return #"<c r="\#(ref)" s="\#(Style.date.rawValue)"><v>\#(excelSerial(d))</v></c>"#
        case .dateTime(let t):
            return #"<c r="\#(ref)" s="\#(Style.dateTime.rawValue)"><v>\#(formatNumber(excelSerial(t, in: timeZone)))</v></c>"#
        case .bool(let b):
            return #"<c r="\#(ref)" t="b"><v>\#(b ? 1 : 0)</v></c>"#
        }
    }

    // MARK: - Values

    /// Days since 1899-12-30, Excel's (1900 date system) day zero; valid from 1900-03-01 on.
    static func excelSerial(_ d: LocalDate) -> Int {
        d.daysSinceEpoch + 25_569
    }

    /// The wall-clock time of `t` in `zone` as an Excel serial, to the whole second (cut, as the API's times are).
    static func excelSerial(_ t: Date, in zone: TimeZone) -> Double {
        let seconds = (t.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: t))).rounded(.down)
        let days = (seconds / 86_400).rounded(.down)
        let rest = seconds - days * 86_400
        return days + 25_569 + rest / 86_400
    }

    /// Shortest round-tripping text of a double, without an exponent for ordinary magnitudes.
    static func formatNumber(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// "-1,250.5" is not an XML number; only plain decimals ("-1250.50") are written as numbers.
    static func normalDecimal(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        var digitsBefore = 0, digitsAfter = 0, seenPoint = false
        for (i, ch) in t.enumerated() {
            if ch == "-" || ch == "+" { if i != 0 { return nil }; continue }
            if ch == "." { if seenPoint { return nil }; seenPoint = true; continue }
            guard ch.isASCII, ch.isNumber else { return nil }
            if seenPoint { digitsAfter += 1 } else { digitsBefore += 1 }
        }
        guard digitsBefore > 0, !seenPoint || digitsAfter > 0 else { return nil }
        return t.hasPrefix("+") ? String(t.dropFirst()) : t
    }

    /// Characters XML 1.0 cannot carry (controls other than tab, newline, carriage return; U+FFFE, U+FFFF)
    /// are dropped; Excel shows the rest as typed.
    static func cleanText(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            let v = u.value
            if v < 0x20, v != 0x09, v != 0x0A, v != 0x0D { continue }
            if v == 0xFFFE || v == 0xFFFF { continue }
            out.append(u)
        }
        return String(out)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in cleanText(s).unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// 0 → "A", 25 → "Z", 26 → "AA".
    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// Excel's sheet-name rules: 1–31 characters, none of []:*?/\, not starting or ending with an apostrophe,
    /// unique ignoring case.
    static func sheetNames(_ names: [String]) -> [String] {
        var used = Set<String>()
        var out: [String] = []
        for (i, raw) in names.enumerated() {
            var name = String(cleanText(raw).unicodeScalars.filter { !"[]:*?/\\\r\n\t".unicodeScalars.contains($0) })
            name = name.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            if name.isEmpty { name = "Sheet\(i + 1)" }
            name = String(name.prefix(31))
            var candidate = name
            var n = 2
            while used.contains(candidate.lowercased()) {
                let suffix = " (\(n))"
                candidate = String(name.prefix(31 - suffix.count)) + suffix
                n += 1
            }
            used.insert(candidate.lowercased())
            out.append(candidate)
        }
        return out
    }
}

/// The workbook's shared string table: each distinct text once, cells refer to it by index.
struct SharedStrings {
    private var indexes: [String: Int] = [:]
    private var ordered: [String] = []
    private var total = 0

    mutating func index(_ s: String) -> Int {
        total += 1
        if let i = indexes[s] { return i }
        let i = ordered.count
        indexes[s] = i
        ordered.append(s)
        return i
    }

    var count: Int { ordered.count }

    /// `sharedStrings.xml`, a slice of the table at a time (the table of a large export is megabytes of text).
    func writeXML(_ write: (String) throws -> Void) rethrows {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        s += #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(total)" uniqueCount="\#(ordered.count)">"#
        for t in ordered {
            let preserve = t.first?.isWhitespace == true || t.last?.isWhitespace == true || t.contains("\n")
            s += preserve ? #"<si><t xml:space="preserve">"# : "<si><t>"
            s += XlsxWorkbook.escape(t)
            s += "</t></si>"
            if s.utf8.count >= 1 << 16 {
                try write(s)
                s = ""
            }
        }
        s += "</sst>"
        try write(s)
    }
}

/// The ZIP side of workbooks: a fixed timestamp on every entry, so equal input gives equal bytes, and reading uploads.
enum XlsxZip {
    static let fixedDate: Date = {
        var c = DateComponents()
        (c.year, c.month, c.day) = (2000, 1, 1)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return cal.date(from: c)!
    }()

    /// The entries of a ZIP read into memory, refusing archives that inflate past `limit` bytes in total
    /// (a small upload must not become gigabytes of XML).
    static func read(_ data: Data, limit: Int = 200 << 20) throws -> [String: Data] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw XlsxError.notAZip }
        var out: [String: Data] = [:]
        var total = 0
        for entry in archive where entry.type == .file {
            total += Int(clamping: entry.uncompressedSize)
            guard total <= limit else { throw XlsxError.tooLarge }
            var bytes = Data()
            do {
                _ = try archive.extract(entry) { chunk in
                    bytes.append(chunk)
                    if bytes.count > limit { throw XlsxError.tooLarge }
                }
            } catch let e as XlsxError { throw e } catch { throw XlsxError.notAZip }
            out[entry.path] = bytes
        }
        return out
    }
}

enum XlsxError: Error {
    case zip, notAZip, tooLarge
    /// Rows given before any sheet was begun.
    case noSheet
}
