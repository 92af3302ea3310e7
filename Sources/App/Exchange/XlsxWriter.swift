import Foundation
import LvyueCore
import ZIPFoundation

/// Takes the rows of an exported file a page at a time (`ExportService.write`): the XLSX writer and the CSV writer.
/// Nothing before `finish` holds more than the page it is given.
protocol SheetWriter: AnyObject {
    func beginSheet(_ name: String, columns: [XlsxColumn], freezeHeader: Bool) throws
    func append(_ rows: [[XlsxCell]]) throws
    /// Completes the file at its path.
    func finish() throws
    /// Removes whatever was written (the work stopped or failed).
    func discard()
}

/// Writes a workbook into a file while its rows come, so an export of 40 000 requests costs the server a page of rows
/// and the shared-strings table, not the sheet.
///
/// Each sheet's rows go as XML straight into a work file beside `path`; `finish` writes the shared strings the same way
/// and then deflates every part from disk into the ZIP at `path`, in the order and with the fixed timestamp that make
/// equal records give equal bytes. The sheet's `<dimension>`, which comes before its rows, is written last.
final class XlsxWriter: SheetWriter {
    let path: String
    let timeZone: TimeZone
    private var strings = SharedStrings()
    private var sheets: [SheetPart] = []
    private var body: FileHandle?

    private struct SheetPart {
        var name: String
        var columns: [XlsxColumn]
        var freezeHeader: Bool
        var bodyPath: String
        var width: Int
        var rowCount = 0
    }

    /// Pages of XML are written to disk in pieces of about this many bytes.
    static let flushBytes = 1 << 16

    init(path: String, timeZone: TimeZone = JSONCoding.displayTimeZone) {
        self.path = path
        self.timeZone = timeZone
    }

    /// A fresh path in the system's temporary directory.
    static func temporaryPath(extension ext: String) -> String {
        (NSTemporaryDirectory() as NSString).appendingPathComponent("lvyue-\(UUID().uuidString.lowercased()).\(ext)")
    }

    func beginSheet(_ name: String, columns: [XlsxColumn], freezeHeader: Bool = true) throws {
        try closeBody()
        let bodyPath = workFile(sheet: sheets.count + 1)
        body = try Self.create(bodyPath)
        sheets.append(SheetPart(name: name, columns: columns, freezeHeader: freezeHeader, bodyPath: bodyPath, width: columns.count))
        try write(XlsxWorkbook.headerRowXML(columns, strings: &strings))
    }

    /// Where the rows of sheet `n` (from 1) are written until `finish`.
    func workFile(sheet n: Int) -> String { path + ".sheet\(n).part" }

    func append(_ rows: [[XlsxCell]]) throws {
        guard !sheets.isEmpty, body != nil else { throw XlsxError.noSheet }
        var part = sheets[sheets.count - 1]
        var xml = ""
        for row in rows {
            part.rowCount += 1
            part.width = max(part.width, row.count)
            xml += XlsxWorkbook.rowXML(row, number: part.rowCount + 1, strings: &strings, timeZone: timeZone)
            if xml.utf8.count >= Self.flushBytes {
                try write(xml)
                xml = ""
            }
        }
        sheets[sheets.count - 1] = part
        try write(xml)
    }

    func finish() throws {
        try closeBody()
        let stringsPath = path + ".strings.part"
        let out = try Self.create(stringsPath)
        try strings.writeXML { try out.write(contentsOf: Data($0.utf8)) }
        try out.close()
        try writeZip(stringsPath: stringsPath)
        removeWorkFiles()
    }

    func discard() {
        try? closeBody()
        removeWorkFiles()
        try? FileManager.default.removeItem(atPath: path)
    }

    // MARK: - Internals

    private func write(_ xml: String) throws {
        guard !xml.isEmpty, let body else { return }
        try body.write(contentsOf: Data(xml.utf8))
    }

    private func closeBody() throws {
        if let body { try body.close() }
        body = nil
    }

    private func removeWorkFiles() {
        for s in sheets { try? FileManager.default.removeItem(atPath: s.bodyPath) }
        try? FileManager.default.removeItem(atPath: path + ".strings.part")
    }

    private static func create(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw XlsxError.zip }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// The package's parts in a fixed order: the small XML parts, the shared strings, then the sheets.
    private func writeZip(stringsPath: String) throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        let n = sheets.count
        let names = XlsxWorkbook.sheetNames(sheets.map(\.name))
        func text(_ s: String) -> ZipSource.Segment { .data(Data(s.utf8)) }
        try ZipSource.add(archive, "[Content_Types].xml", [text(XlsxWorkbook.contentTypes(sheets: n))])
        try ZipSource.add(archive, "_rels/.rels", [text(XlsxWorkbook.rootRels)])
        try ZipSource.add(archive, "docProps/app.xml", [text(XlsxWorkbook.appProps)])
        try ZipSource.add(archive, "xl/workbook.xml", [text(XlsxWorkbook.workbookXML(names: names))])
        try ZipSource.add(archive, "xl/_rels/workbook.xml.rels", [text(XlsxWorkbook.workbookRels(sheets: n))])
        try ZipSource.add(archive, "xl/styles.xml", [text(XlsxWorkbook.styles)])
        try ZipSource.add(archive, "xl/sharedStrings.xml", [.file(stringsPath)])
        for (i, s) in sheets.enumerated() {
            let start = XlsxWorkbook.sheetStart(columns: s.columns, freezeHeader: s.freezeHeader, width: s.width, rowCount: s.rowCount)
            try ZipSource.add(archive, "xl/worksheets/sheet\(i + 1).xml", [text(start), .file(s.bodyPath), text(XlsxWorkbook.sheetEnd)])
        }
    }
}

/// One ZIP entry's bytes, read from memory and files in turn as the deflater asks for them.
final class ZipSource {
    enum Segment {
        case data(Data)
        case file(String)
    }

    private struct Piece {
        var start: Int64
        var length: Int64
        var segment: Segment
        var handle: FileHandle?
    }

    private var pieces: [Piece] = []
    let size: Int64

    init(_ segments: [Segment]) throws {
        var offset: Int64 = 0
        for s in segments {
            let length: Int64
            var handle: FileHandle?
            switch s {
            case .data(let d): length = Int64(d.count)
            case .file(let path):
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                length = (attributes[.size] as? NSNumber)?.int64Value ?? 0
                handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            }
            pieces.append(Piece(start: offset, length: length, segment: s, handle: handle))
            offset += length
        }
        size = offset
    }

    /// Adds the entry, deflated, with the workbook's fixed timestamp.
    static func add(_ archive: Archive, _ path: String, _ segments: [Segment]) throws {
        let source = try ZipSource(segments)
        defer { source.close() }
        try archive.addEntry(with: path, type: .file, uncompressedSize: source.size, modificationDate: XlsxZip.fixedDate,
                             compressionMethod: .deflate) { position, size in
            try source.read(at: position, count: size)
        }
    }

    func read(at position: Int64, count: Int) throws -> Data {
        var out = Data()
        out.reserveCapacity(count)
        var at = position
        let end = min(position + Int64(count), size)
        for i in pieces.indices where at < end {
            let p = pieces[i]
            guard at < p.start + p.length, p.start < end else { continue }
            let from = at - p.start
            let n = Int(min(end, p.start + p.length) - at)
            switch p.segment {
            case .data(let d):
                out.append(d.subdata(in: Int(from)..<(Int(from) + n)))
            case .file:
                guard let h = p.handle else { throw XlsxError.zip }
                try h.seek(toOffset: UInt64(from))
                guard let chunk = try h.read(upToCount: n), chunk.count == n else { throw XlsxError.zip }
                out.append(chunk)
            }
            at += Int64(n)
        }
        return out
    }

    func close() {
        for p in pieces { try? p.handle?.close() }
    }
}
