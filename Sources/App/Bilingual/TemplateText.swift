import Foundation

/// Finds text in a Leaf template that a person would see but that does not come from the locale files: letters or
/// CJK characters in text nodes, or in `title`, `placeholder`, `aria-label` and `alt` attributes, once every Leaf
/// expression (`#(...)`, `#t(...)`, `#if(...):` …) is taken out. Used by a test over every template.
enum TemplateText {
    /// Literal text that is the same in every language: product names and codes.
    static let allowed: Set<String> = [
        "Outlook",  // resources/feeds.leaf: an example of a calendar program in the feed URL's placeholder
        "CNY",  // resources/plan.leaf: the currency code as the placeholder of a currency field
    ]

    static func visibleLiterals(_ source: String) -> [String] {
        var text = stripExpressions(source)
        text = text.replacingOccurrences(of: #"<!--[\s\S]*?-->"#, with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: #"<(script|style)\b[\s\S]*?</\1>"#, with: " ", options: .regularExpression)
        var found: [String] = []
        // attributes people see or hear
        let attribute = try! NSRegularExpression(pattern: #"\b(title|placeholder|aria-label|alt)\s*=\s*"([^"]*)""#)
        // text nodes: whatever lies between tags
        let node = try! NSRegularExpression(pattern: #">([^<]*)<"#)
        var items: [(Int, String)] = []
        let ns = text as NSString
        for m in attribute.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            items.append((m.range.location, ns.substring(with: m.range(at: 2))))
        }
        let wrapped = ">" + text + "<"
        let wns = wrapped as NSString
        for m in node.matches(in: wrapped, range: NSRange(location: 0, length: wns.length)) {
            for line in wns.substring(with: m.range(at: 1)).split(whereSeparator: \.isNewline) {
                items.append((m.range.location - 1, String(line)))
            }
        }
        for (_, raw) in items.sorted(by: { $0.0 < $1.0 }) {
            let value = raw.trimmingCharacters(in: .whitespaces)
            if value.unicodeScalars.contains(where: isWordScalar) { found.append(value) }
        }
        return found
    }

    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 0x41 && s.value <= 0x5A) || (s.value >= 0x61 && s.value <= 0x7A) || (s.value >= 0x4E00 && s.value <= 0x9FFF)
            || (s.value >= 0x3400 && s.value <= 0x4DBF)
    }

    /// Replaces `#name(...)` (with a trailing `:` of a block tag) and the bare `#endif`, `#else:` … tags by a space.
    static func stripExpressions(_ s: String) -> String {
        let chars = Array(s)
        var out = ""
        var i = 0
        let bare = ["endif", "endfor", "endexport", "endextend", "endwith", "endwhile", "endimport", "else"]
        while i < chars.count {
            if chars[i] == "#" {
                var j = i + 1
                while j < chars.count, chars[j].isLetter { j += 1 }
                let name = String(chars[(i + 1)..<j])
                if j < chars.count, chars[j] == "(" {
                    var depth = 1
                    var quote: Character?
                    j += 1
                    while j < chars.count, depth > 0 {
                        let c = chars[j]
                        if let q = quote {
                            if c == "\\" { j += 1 } else if c == q { quote = nil }
                        } else if c == "\"" || c == "'" {
                            quote = c
                        } else if c == "(" {
                            depth += 1
                        } else if c == ")" {
                            depth -= 1
                        }
                        j += 1
                    }
                    if j < chars.count, chars[j] == ":" { j += 1 }
                    out += " "
                    i = j
                    continue
                }
                if bare.contains(name) {
                    if j < chars.count, chars[j] == ":" { j += 1 }
                    out += " "
                    i = j
                    continue
                }
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }
}
