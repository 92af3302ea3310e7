import Foundation
@testable import App
import LvyueCore
import Testing

/// The XLSX and CSV writers on their own: the ZIP opened and its XML parts read back.
@Suite struct XlsxWriterTests {
    static func parts(_ data: Data) throws -> [String: String] {
        try XlsxZip.read(data).mapValues { String(decoding: $0, as: UTF8.self) }
    }

    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    @Test func cellsAreTypedAndTheHeaderIsBoldAndFrozen() throws {
        // given a sheet with one cell of every kind
        let sheet = XlsxSheet(
            name: "模板2 节点",
            columns: [XlsxColumn(header: "合同编号", width: 18), XlsxColumn(header: "权重", width: 8),
                      XlsxColumn(header: "比例", width: 8), XlsxColumn(header: "金额", width: 14),
                      XlsxColumn(header: "计划完成时间", width: 12), XlsxColumn(header: "更新时间", width: 20),
                      XlsxColumn(header: "完成", width: 6), XlsxColumn(header: "空", width: 6)],
            rows: [[.text("HT-2026-001 <A&B> \"x\""), .integer(30), .number(0.75), .decimal("1250000.50"),
                    .date(LocalDate(iso: "2026-03-02")!),
                    // 2026-03-02 01:30:15 UTC is 09:30:15 in Shanghai
                    .dateTime(Date(timeIntervalSince1970: 1_772_415_015)),
                    .bool(true), .empty]])
        // when
        let data = try XlsxWorkbook(sheets: [sheet], timeZone: Self.shanghai).data()
        let parts = try Self.parts(data)
        // then the package has its parts
        #expect(Set(parts.keys) == ["[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "xl/workbook.xml",
                                    "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml",
                                    "xl/worksheets/sheet1.xml"])
        let xml = try #require(parts["xl/worksheets/sheet1.xml"])
        // the header row: shared strings 0..7 in the bold style 1, frozen below row 1
        #expect(xml.contains(#"<c r="A1" s="1" t="s"><v>0</v></c>"#))
        #expect(xml.contains(#"<c r="H1" s="1" t="s"><v>7</v></c>"#))
        #expect(xml.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#))
        #expect(xml.contains(#"<col min="1" max="1" width="18" customWidth="1"/>"#))
        // typed cells
        #expect(xml.contains(#"<c r="A2" t="s"><v>8</v></c>"#))
        #expect(xml.contains(#"<c r="B2"><v>30</v></c>"#))
        #expect(xml.contains(#"<c r="C2"><v>0.75</v></c>"#))
        #expect(xml.contains(#"<c r="D2" s="4"><v>1250000.50</v></c>"#))
        // 2026-03-02 is day 46083 of Excel's 1900 system
        #expect(xml.contains(#"<c r="E2" s="2"><v>46083</v></c>"#))
        // 09:30:15 = 34215 s = 0.39600694... of a day
        let serial = 46_083 + 34_215.0 / 86_400
        #expect(xml.contains(#"<c r="F2" s="3"><v>\#(serial)</v></c>"#))
        #expect(xml.contains(#"<c r="G2" t="b"><v>1</v></c>"#))
        #expect(!xml.contains(#"r="H2""#))
        #expect(xml.contains(#"<dimension ref="A1:H2"/>"#))
        // strings escaped in the shared table
        let sst = try #require(parts["xl/sharedStrings.xml"])
        #expect(sst.contains("<si><t>HT-2026-001 &lt;A&amp;B&gt; &quot;x&quot;</t></si>"))
        #expect(sst.contains(#"count="9" uniqueCount="9""#))
        // the date formats
        let styles = try #require(parts["xl/styles.xml"])
        #expect(styles.contains(#"<numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/>"#))
        #expect(try #require(parts["xl/workbook.xml"]).contains(#"<sheet name="模板2 节点" sheetId="1" r:id="rId1"/>"#))
    }

    @Test func controlCharactersAreDroppedAndSheetNamesMadeValid() throws {
        // given text with a NUL, a bell and a vertical tab, and two clashing over-long names with bad characters
        let long = String(repeating: "长", count: 40)
        let sheets = [XlsxSheet(name: long, columns: [XlsxColumn(header: "a", width: 5)],
                                rows: [[.text("x\u{0}y\u{7}z\u{B}\n line")]]),
                      XlsxSheet(name: long, columns: [], rows: []),
                      XlsxSheet(name: "a/b:c?", columns: [], rows: [])]
        // when
        let parts = try Self.parts(try XlsxWorkbook(sheets: sheets).data())
        // then
        let sst = try #require(parts["xl/sharedStrings.xml"])
        #expect(sst.contains("<si><t xml:space=\"preserve\">xyz\n line</t></si>"))
        let wb = try #require(parts["xl/workbook.xml"])
        #expect(wb.contains(#"<sheet name="\#(String(repeating: "长", count: 31))" sheetId="1""#))
        #expect(wb.contains(#"<sheet name="\#(String(repeating: "长", count: 27)) (2)" sheetId="2""#))
        #expect(wb.contains(#"<sheet name="abc" sheetId="3""#))
    }

    @Test func sameInputGivesSameBytes() throws {
        let sheet = XlsxSheet(name: "s", columns: [XlsxColumn(header: "h", width: 5)], rows: [[.integer(1)]])
        #expect(try XlsxWorkbook(sheets: [sheet]).data() == XlsxWorkbook(sheets: [sheet]).data())
    }

    @Test func decimalsThatAreNotPlainNumbersStayText() {
        #expect(XlsxWorkbook.normalDecimal("-1250.50") == "-1250.50")
        #expect(XlsxWorkbook.normalDecimal("+3") == "3")
        #expect(XlsxWorkbook.normalDecimal("1,250.5") == nil)
        #expect(XlsxWorkbook.normalDecimal("1.") == nil)
        #expect(XlsxWorkbook.normalDecimal("1e5") == nil)
        #expect(XlsxWorkbook.columnName(0) == "A")
        #expect(XlsxWorkbook.columnName(25) == "Z")
        #expect(XlsxWorkbook.columnName(26) == "AA")
        #expect(XlsxWorkbook.columnName(701) == "ZZ")
        #expect(XlsxWorkbook.columnName(702) == "AAA")
    }

    @Test func csvHasABomCrlfAndQuotesWhatNeedsIt() {
        // given
        let sheet = XlsxSheet(name: "s", columns: [XlsxColumn(header: "合同编号", width: 5), XlsxColumn(header: "说明", width: 5)],
                              rows: [[.text("HT,1"), .text("他说\"好\"\n第二行")],
                                     [.date(LocalDate(iso: "2026-03-02")!), .dateTime(Date(timeIntervalSince1970: 1_772_415_015))],
                                     [.decimal("12.50"), .bool(false)]])
        // when
        let data = CsvWriter.data(sheet, timeZone: Self.shanghai)
        // then
        #expect(data.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text == "合同编号,说明\r\n\"HT,1\",\"他说\"\"好\"\"\n第二行\"\r\n2026-03-02,2026-03-02 09:30:15\r\n12.50,FALSE\r\n")
    }

    /// Formula injection: text a spreadsheet would run gets a leading quote; the reader takes exactly that quote off again.
    @Test func csvGuardsFormulaStartsAndTheReaderUndoesIt() throws {
        // given
        let texts = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "'=already quoted", "'plain quote", "普通文本", "a=b", "-"]
        let sheet = XlsxSheet(name: "s", columns: [XlsxColumn(header: "说明", width: 5), XlsxColumn(header: "金额", width: 5)],
                              rows: texts.map { [.text($0), .decimal("-12.50")] })
        // when
        let data = CsvWriter.data(sheet, timeZone: Self.shanghai)
        let back = try CsvReader.read(data, name: "s.csv")
        // then: the file has the guard, numbers stay numbers, and every text comes back as it was
        let lines = String(decoding: data.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines[1] == "\"'=HYPERLINK(\"\"http://x\"\")\",-12.50" && lines[5] == "'\tTab,-12.50" && lines[6] == "\"'\rCR\",-12.50")
        #expect(lines[2] == "'+1,-12.50" && lines[3] == "'-2,-12.50" && lines[4] == "'@SUM(A1),-12.50")
        #expect(lines[7] == "''=already quoted,-12.50" && lines[8] == "'plain quote,-12.50" && lines[10] == "a=b,-12.50" && lines[11] == "'-,-12.50")
        #expect(back.rows.dropFirst().map { $0.first } == texts.map { ImportCell.text($0) })
    }
}
