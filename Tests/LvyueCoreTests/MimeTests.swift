import Foundation
import Testing
@testable import LvyueCore

@Suite("MIME parsing (email intake)")
struct MimeTests {
    func parse(_ s: String) throws -> MimeMessage { try MimeMessage.parse(Data(s.utf8)) }

    @Test func foldedHeadersAndDisplayName() throws {
        let m = try parse("From: \"Huang Li\" <HuangLi@NFDW.example.cn>\r\nSubject: Device\r\n  fault on\r\n\tline 3\r\nTo: service@lvyue.example.cn\r\n\r\nBody text\r\n")
        #expect(m.from == MailAddress(name: "Huang Li", address: "huangli@nfdw.example.cn"))
        #expect(m.subject == "Device fault on line 3")
        #expect(m.textBody == "Body text")
    }

    @Test func addressForms() {
        #expect(Mime.parseAddress("zs@example.cn") == MailAddress(name: nil, address: "zs@example.cn"))
        #expect(Mime.parseAddress("<zs@example.cn>") == MailAddress(name: nil, address: "zs@example.cn"))
        #expect(Mime.parseAddress("zs@example.cn (Zhang San)") == MailAddress(name: "Zhang San", address: "zs@example.cn"))
        #expect(Mime.parseAddress("=?UTF-8?B?5byg5LiJ?= <zs@example.cn>") == MailAddress(name: "张三", address: "zs@example.cn"))
        #expect(Mime.parseAddress("Zhang San") == nil)
    }

    @Test func encodedWordSubjects() {
        // "服务请求" in UTF-8, base64 and Q; adjacent encoded words join without the space between them.
        #expect(Mime.decodeEncodedWords("=?UTF-8?B?5pyN5Yqh6K+35rGC?=") == "服务请求")
        #expect(Mime.decodeEncodedWords("=?utf-8?Q?=E6=9C=8D=E5=8A=A1?= =?utf-8?Q?=E8=AF=B7=E6=B1=82?=") == "服务请求")
        #expect(Mime.decodeEncodedWords("Re: =?UTF-8?B?5pyN5Yqh?= [SR-2026-000001]") == "Re: 服务 [SR-2026-000001]")
        #expect(Mime.decodeEncodedWords("=?ISO-8859-1?Q?Caf=E9_au_lait?=") == "Café au lait")
        #expect(Mime.decodeEncodedWords("plain = text ?=") == "plain = text ?=")
    }

    @Test func quotedPrintableBody() throws {
        let m = try parse("""
        From: a@b.cn
        Subject: qp
        Content-Type: text/plain; charset="utf-8"
        Content-Transfer-Encoding: quoted-printable

        =E8=AE=BE=E5=A4=87=E5=AE=95=E6=9C=BA=EF=BC=8C=E8=AF=B7=E5=B0=BD=E5=BF=AB=
        =E5=A4=84=E7=90=86 a=3Db
        """)
        #expect(m.textBody == "设备宕机，请尽快处理 a=b")
    }

    @Test func base64Body() throws {
        let body = Data("三号线DTU通信中断".utf8).base64EncodedString()
        let m = try parse("From: a@b.cn\nSubject: b64\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n\(body.prefix(12))\n\(body.dropFirst(12))\n")
        #expect(m.textBody == "三号线DTU通信中断")
    }

    @Test func multipartAlternativePicksPlainText() throws {
        let html = Data("<p>HTML 版本</p>".utf8).base64EncodedString()
        let m = try parse("""
        From: =?UTF-8?B?6buE5Li9?= <huangli@nfdw.example.cn>
        Subject: =?UTF-8?B?6K6+5aSH5pWF6Zqc?=
        MIME-Version: 1.0
        Content-Type: multipart/alternative;
         boundary="==b1=="

        preamble is ignored
        --==b1==
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: base64

        \(html)
        --==b1==
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        =E7=BA=AF=E6=96=87=E6=9C=AC=E7=89=88=E6=9C=AC
        --==b1==--
        epilogue
        """)
        #expect(m.from?.name == "黄丽")
        #expect(m.subject == "设备故障")
        #expect(m.textBody == "纯文本版本")
    }

    @Test func nestedMultipartMixedWithAttachment() throws {
        let m = try parse("""
        From: a@b.cn
        Subject: nested
        Content-Type: multipart/mixed; boundary=outer

        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain

        inner plain
        --inner--
        --outer
        Content-Type: text/plain
        Content-Disposition: attachment; filename=log.txt

        attachment text
        --outer--
        """)
        #expect(m.textBody == "inner plain")
    }

    @Test func htmlOnlyIsStripped() throws {
        let m = try parse("From: a@b.cn\nContent-Type: text/html\n\n<div>故障<br>请处理 &amp; 回复</div>")
        #expect(m.textBody == "故障\n请处理 & 回复")
    }

    @Test func dates() {
        let d = Mime.parseDate("Tue, 10 Mar 2026 10:00:00 +0800")
        #expect(d == Date(timeIntervalSince1970: 1_773_108_000))
        #expect(Mime.parseDate("10 Mar 2026 02:00:00 GMT") == Date(timeIntervalSince1970: 1_773_108_000))
        #expect(Mime.parseDate("yesterday") == nil)
    }

    @Test func requestNumberInSubject() {
        #expect(Mime.serviceRequestNumber(in: "Re: [SR-2026-000123] 设备故障") == "SR-2026-000123")
        #expect(Mime.serviceRequestNumber(in: "SR-26-1") == nil)
    }

    @Test func refusesGarbage() {
        #expect(throws: MimeError.empty) { try MimeMessage.parse(Data()) }
        #expect(throws: MimeError.noHeaders) { try MimeMessage.parse(Data("\n\njust a body".utf8)) }
    }
}
