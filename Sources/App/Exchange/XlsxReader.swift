import Foundation
import LvyueCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A cell as read from an uploaded workbook or CSV file.
enum ImportCell: Sendable, Equatable {
    case text(String)
    /// A number cell, with the text it was written as (so "1250000.50" stays exact).
    case number(Double, String)
    case bool(Bool)
    case empty

    /// The cell as text, the way a person typed it: numbers without a needless ".0".
    var text: String {
        switch self {
        case .text(let s): s.trimmingCharacters(in: .whitespacesAndNewlines)
        case .number(let d, let raw): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : raw
        case .bool(let b): b ? "TRUE" : "FALSE"
        case .empty: ""
        }
    }

    var isEmpty: Bool { text.isEmpty }
}

/// One sheet: its name and its rows (the header row first), cells placed by their column.
struct ImportSheet: Sendable {
    var name: String
    var rows: [[ImportCell]]
}

enum ImportFileError: Error, CustomStringConvertible {
    case unreadable(String)

    var description: String {
        switch self { case .unreadable(let why): why }
    }
}

/// Reads the sheets of an XLSX workbook (ZIPFoundation for the archive, XMLParser for the parts): shared strings,
/// inline strings, numbers, booleans; date cells come as their serial numbers and are read as dates by the columns
/// that expect one. Formulas are read as their cached values.
enum XlsxReader {
    static func read(_ data: Data) throws -> [ImportSheet] {
        let parts: [String: Data]
        do { parts = try XlsxZip.read(data) } catch XlsxError.tooLarge {
            throw ImportFileError.unreadable("the workbook is too large when unpacked")
        } catch { throw ImportFileError.unreadable("not an XLSX workbook (not a ZIP archive)") }
        guard let workbook = parts["xl/workbook.xml"] else { throw ImportFileError.unreadable("not an XLSX workbook (no xl/workbook.xml)") }
        let sheets = try parse(workbook, SheetListParser()).sheets
        var targets: [String: String] = [:]
        if let rels = parts["xl/_rels/workbook.xml.rels"] { targets = try parse(rels, RelsParser()).targets }
        let strings = try parts["xl/sharedStrings.xml"].map { try parse($0, SharedStringsParser()).strings } ?? []
        var out: [ImportSheet] = []
        for (index, sheet) in sheets.enumerated() {
            var path = targets[sheet.rid].map { $0.hasPrefix("/") ? String($0.dropFirst()) : "xl/" + $0 } ?? "xl/worksheets/sheet\(index + 1).xml"
            path = normalize(path)
            guard let xml = parts[path] else { throw ImportFileError.unreadable("sheet \(sheet.name) is missing from the workbook") }
            let p = try parse(xml, SheetParser(strings: strings))
            out.append(ImportSheet(name: sheet.name, rows: p.rows))
        }
        return out
    }

    /// "xl/worksheets/../worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml".
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/") {
            if p == ".." { _ = parts.popLast() } else if p != "." { parts.append(p) }
        }
        return parts.joined(separator: "/")
    }

    static func parse<D: XMLParserDelegate>(_ data: Data, _ delegate: D) throws -> D {
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse() else { throw ImportFileError.unreadable("the workbook's XML is damaged") }
        return delegate
    }

    /// "BC12" → 54 (zero-based column index), nil when the reference has no letters.
    static func columnIndex(_ ref: String) -> Int? {
        var n = 0
        var seen = false
        for u in ref.unicodeScalars {
            guard u.value >= 65 && u.value <= 90 || u.value >= 97 && u.value <= 122 else { break }
            n = n * 26 + Int((u.value & 0xDF) - 64)
            seen = true
            if n > 16_384 { return nil }
        }
        return seen ? n - 1 : nil
    }

    /// Excel serial (1900 system) → date; nil outside 1900-03-01…9999-12-31.
    static func date(serial: Double) -> LocalDate? {
        guard serial.isFinite, serial >= 61, serial < 2_958_466 else { return nil }
        return LocalDate(daysSinceEpoch: Int(serial.rounded(.down)) - 25_569)
    }
}

private final class SheetListParser: NSObject, XMLParserDelegate {
    var sheets: [(name: String, rid: String)] = []

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        guard local(name) == "sheet" else { return }
        let rid = attributes.first { $0.key == "r:id" || $0.key.hasSuffix(":id") }?.value ?? ""
        sheets.append((attributes["name"] ?? "Sheet\(sheets.count + 1)", rid))
    }
}

private final class RelsParser: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        guard local(name) == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        targets[id] = target
    }
}

/// `<si>` items: plain `<t>` or rich-text runs `<r><t>…</t></r>`; phonetic runs (`<rPh>`) are not part of the text.
private final class SharedStringsParser: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current: String?
    private var inText = false
    private var inPhonetic = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch local(name) {
        case "si": current = ""
        case "rPh": inPhonetic = true
        case "t": inText = !inPhonetic
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current? += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "si": strings.append(current ?? ""); current = nil
        case "rPh": inPhonetic = false
        case "t": inText = false
        default: break
        }
    }
}

private final class SheetParser: NSObject, XMLParserDelegate {
    let strings: [String]
    var rows: [[ImportCell]] = []
    private var row: [ImportCell] = []
    private var rowIndex = 0
    private var cellColumn = 0
    private var cellType = ""
    private var value = ""
    private var inline = ""
    private var inValue = false
    private var inInlineText = false
    private var inCell = false

    init(strings: [String]) { self.strings = strings }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch local(name) {
        case "row":
            let r = attributes["r"].flatMap(Int.init) ?? (rowIndex + 1)
            // Missing rows in between are empty rows (row numbers in reports must match what the user sees).
            while rows.count < r - 1, rows.count < 1_048_576 { rows.append([]) }
            rowIndex = r
            row = []
        case "c":
            inCell = true
            cellColumn = attributes["r"].flatMap(XlsxReader.columnIndex) ?? row.count
            cellType = attributes["t"] ?? "n"
            value = ""
            inline = ""
        case "v": inValue = inCell
        case "t": inInlineText = inCell && cellType == "inlineStr"
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue { value += string } else if inInlineText { inline += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "v": inValue = false
        case "t": inInlineText = false
        case "c":
            inCell = false
            let cell: ImportCell
            switch cellType {
            case "s": cell = Int(value).flatMap { $0 >= 0 && $0 < strings.count ? ImportCell.text(strings[$0]) : nil } ?? .empty
            case "inlineStr": cell = inline.isEmpty ? .empty : .text(inline)
            case "str": cell = value.isEmpty ? .empty : .text(value)
            case "b": cell = .bool(value == "1")
            case "e": cell = .empty
            default:
                let v = value.trimmingCharacters(in: .whitespaces)
                cell = v.isEmpty ? .empty : Double(v).map { ImportCell.number($0, v) } ?? .text(v)
            }
            guard cellColumn < 16_384 else { return }
            while row.count < cellColumn { row.append(.empty) }
            if row.count == cellColumn { row.append(cell) } else { row[cellColumn] = cell }
        case "row":
            rows.append(row)
        default: break
        }
    }
}

private func local(_ name: String) -> Substring {
    name.split(separator: ":").last ?? Substring(name)
}

/// RFC 4180 CSV: quoted fields with doubled quotes and line breaks, CRLF or LF, an optional UTF-8 BOM.
enum CsvReader {
    static func read(_ data: Data, name: String) throws -> ImportSheet {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw ImportFileError.unreadable("\(name) is not UTF-8 text (save it from Excel as “CSV UTF-8”)")
        }
        var rows: [[ImportCell]] = []
        var row: [ImportCell] = []
        var field = ""
        var quoted = false
        var wasQuoted = false
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endField() {
            // A quote that lvyue's CSV export put before a formula-like text (CsvWriter.guarded) is not part of the value.
            row.append(field.isEmpty && !wasQuoted ? .empty : .text(CsvWriter.unguarded(field)))
            field = ""
            wasQuoted = false
        }
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true; wasQuoted = true
            case ",": endField()
            case "\r":
                if let n = it.next(), n != "\n" { pending = n }
                endField(); rows.append(row); row = []
            case "\n": endField(); rows.append(row); row = []
            default: field.unicodeScalars.append(c)
            }
        }
        if quoted { throw ImportFileError.unreadable("\(name): a quoted field is not closed") }
        if !field.isEmpty || wasQuoted || !row.isEmpty { endField(); rows.append(row) }
        return ImportSheet(name: name, rows: rows)
    }
}
