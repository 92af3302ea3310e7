import Crypto
import Foundation
import LvyueCore

/// The message formats of each channel kind, as their vendors document them.
enum ChannelFormats {
    struct Message: Sendable {
        var event: String
        var title: String
        var text: String
        var link: String?
        var at: Date
    }

    static func request(kind: ChannelKind, url: String, secret: String?, message m: Message) -> OutboundRequest {
        let json = [("Content-Type", "application/json; charset=utf-8")]
        let fullText = m.link.map { m.text + "\n" + $0 } ?? m.text
        switch kind {
        case .webhook:
            // Generic webhook: our own JSON, signed with HMAC-SHA256 of the exact body.
            var payload: [String: Any] = ["event": m.event, "title": m.title, "text": m.text,
                                          "occurred_at": JSONCoding.formatInstant(m.at)]
            if let link = m.link { payload["link"] = link }
            let body = encode(payload)
            var headers = json
            if let secret, !secret.isEmpty {
                headers.append(("X-Lvyue-Signature", "sha256=" + Hex.lowercase(hmac(key: Data(secret.utf8), message: body))))
            }
            headers.append(("X-Lvyue-Event", m.event))
            return OutboundRequest(url: url, headers: headers, body: body)
        case .wecom:
            // 企业微信群机器人: {"msgtype":"markdown","markdown":{"content":"…"}}
            let content = "**\(m.title)**\n" + m.text + (m.link.map { "\n[查看详情](\($0))" } ?? "")
            return OutboundRequest(url: url, headers: json, body: encode(["msgtype": "markdown", "markdown": ["content": content]]))
        case .dingtalk:
            // 钉钉自定义机器人 with 加签: timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(secret, "timestamp\nsecret"))) as query parameters.
            var target = url
            if let secret, !secret.isEmpty {
                let timestamp = String(Int64((m.at.timeIntervalSince1970 * 1000).rounded()))
                let sign = hmac(key: Data(secret.utf8), message: Data("\(timestamp)\n\(secret)".utf8)).base64EncodedString()
                target += (url.contains("?") ? "&" : "?") + "timestamp=\(timestamp)&sign=\(urlEncode(sign))"
            }
            let text = "#### \(m.title)\n" + m.text + (m.link.map { "\n\n[查看详情](\($0))" } ?? "")
            return OutboundRequest(url: target, headers: json,
                                   body: encode(["msgtype": "markdown", "markdown": ["title": m.title, "text": text]]))
        case .feishu:
            // 飞书自定义机器人: {"msg_type":"text","content":{"text":"…"}}; with 签名校验, timestamp (s) and
            // sign = base64(HMAC-SHA256 keyed with "timestamp\nsecret" over an empty message) in the body.
            var payload: [String: Any] = ["msg_type": "text", "content": ["text": m.title + "\n" + fullText]]
            if let secret, !secret.isEmpty {
                let timestamp = String(Int64(m.at.timeIntervalSince1970))
                payload["timestamp"] = timestamp
                payload["sign"] = hmac(key: Data("\(timestamp)\n\(secret)".utf8), message: Data()).base64EncodedString()
            }
            return OutboundRequest(url: url, headers: json, body: encode(payload))
        }
    }

    /// Bots answer 200 with an error code in the body (errcode / code ≠ 0) when they refuse a message.
    static func accepted(kind: ChannelKind, status: Int, body: Data) -> Bool {
        guard (200..<300).contains(status) else { return false }
        guard kind != .webhook, let obj = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return true }
        for key in ["errcode", "code", "StatusCode"] {
            if let n = obj[key] as? Int, n != 0 { return false }
        }
        return true
    }

    static func hmac(key: Data, message: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    static func urlEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func encode(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
