import Foundation
import LvyueCore
import NIOConcurrencyHelpers

/// Writes a value as the bytes `JSONCoding.encoder` writes — snake_case keys, keys sorted, slashes unescaped, instants
/// in the display zone — straight into one buffer.
///
/// Foundation's encoder first builds a tree of boxed values, converts every key to snake_case again on every use, and
/// then serializes the tree; on a creation that was a tenth of the server's time (its answer, and the audit event's copy
/// of it). Here each value is written as it is encoded, an object's entries are sorted once when it closes, and each key
/// is converted once per process (by Foundation itself, so the names are Foundation's).
///
/// What it does not write itself — a nested or super encoder, `Data`, `URL`, `Decimal`, a value that opened no
/// container — makes it hand the whole value to Foundation's encoder, so the bytes are always the ones Foundation writes
/// (`JSONBytesTests` compares the two over the API's answers and over generated values).
enum JSONBytes {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        guard let bytes = direct(value) else { return Array(try JSONCoding.encoder.encode(value)) }
        // Debug builds (the tests) check every answer against Foundation's encoder.
        assert(bytes == Array((try? JSONCoding.encoder.encode(value)) ?? Data()),
               "JSONBytes wrote \(String(decoding: bytes, as: UTF8.self)) for \(T.self), not what Foundation writes")
        return bytes
    }

    /// The bytes written directly; nil when the value needs Foundation's encoder (or fails to encode, which Foundation's
    /// encoder then reports in its own words).
    static func direct<T: Encodable>(_ value: T) -> [UInt8]? {
        let writer = JSONByteWriter()
        guard (try? writer.value(value)) != nil, !writer.unsupported else { return nil }
        return writer.out
    }

    /// The key as the API writes it: converted to snake_case by Foundation's rule, once per distinct name.
    static func key(_ name: String) -> Key {
        if let hit = keys.withLockedValue({ $0[name] }) { return hit }
        let converted = Key(raw: Array(convertedName(name).utf8))
        keys.withLockedValue { $0[name] = converted }
        return converted
    }

    struct Key: Sendable {
        /// The name's UTF-8, which entries are sorted by (as Foundation sorts them).
        var raw: [UInt8]
        /// The name's first eight bytes as one big-endian number (zeros after a shorter name, which holds no zero
        /// byte): keys compare as their prefixes do unless these are equal.
        var prefix: UInt64
        /// The name as a JSON string.
        var json: [UInt8]

        init(raw: [UInt8]) {
            self.raw = raw
            prefix = raw.prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (56 - 8 * $1.offset) }
            var json: [UInt8] = []
            JSONByteWriter.string(String(decoding: raw, as: UTF8.self), into: &json)
            self.json = json
        }
    }

    private static let keys = NIOLockedValueBox([String: Key]())

    private static func convertedName(_ name: String) -> String {
        struct One: Encodable {
            var name: String
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: AnyKey.self)
                try c.encode(0, forKey: AnyKey(name))
            }
        }
        guard let data = try? JSONCoding.encoder.encode(One(name: name)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let converted = object.keys.first
        else { return name }
        return converted
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A `[String: V]` is written with its keys as they are, as Foundation writes it (its keys are data, not names).
private protocol StringKeyedDictionary {
    func writeEntries(to writer: JSONByteWriter) throws
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    fileprivate func writeEntries(to writer: JSONByteWriter) throws {
        let object = writer.openObject()
        for (key, value) in self {
            try writer.entry(JSONBytes.Key(raw: Array(key.utf8)), in: object) { try writer.value(value) }
        }
        writer.closeObject(object)
    }
}

/// One encoding: the bytes written so far, and the objects still open (their entries are placed when they close).
final class JSONByteWriter: Encoder {
    var out: [UInt8] = []
    /// Set when the value asked for something only Foundation's encoder does; the bytes are then discarded.
    var unsupported = false
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// What the value being encoded asked for.
    private enum Opened { case none, object(Int), array(Int), single }
    private var opened = Opened.none
    private var objects: [[Entry]] = []
    private var objectStarts: [Int] = []
    private var arrayCounts: [Int] = []

    private struct Entry {
        var key: JSONBytes.Key
        var start: Int
        var end: Int
    }

    struct Unsupported: Error {}

    // MARK: Values

    func value<T: Encodable>(_ value: T) throws {
        switch T.self {
        case is String.Type: Self.string(value as! String, into: &out)
        case is Int.Type: out.append(contentsOf: String(value as! Int).utf8)
        case is Bool.Type: out.append(contentsOf: (value as! Bool) ? Self.trueBytes : Self.falseBytes)
        case is Date.Type: Self.string(JSONCoding.formatInstant(value as! Date), into: &out)
        case is UUID.Type: Self.string(Hex.uuidString(value as! UUID), into: &out)
        case is Double.Type: try double(value as! Double)
        case is Data.Type, is URL.Type, is Decimal.Type: throw Unsupported()
        default:
            if let dictionary = value as? any StringKeyedDictionary {
                try dictionary.writeEntries(to: self)
                return
            }
            let outer = opened
            opened = .none
            defer { opened = outer }
            try value.encode(to: self)
            switch opened {
            case .none: throw Unsupported()
            case .object(let index): closeObject(index)
            case .array: out.append(UInt8(ascii: "]")); arrayCounts.removeLast()
            case .single: break
            }
        }
    }

    private func double(_ d: Double) throws {
        guard d.isFinite else { throw Unsupported() }
        var text = d.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        out.append(contentsOf: text.utf8)
    }

    private func float(_ f: Float) throws {
        guard f.isFinite else { throw Unsupported() }
        var text = f.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        out.append(contentsOf: text.utf8)
    }

    private func integer(_ i: some BinaryInteger) {
        out.append(contentsOf: String(i).utf8)
    }

    static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8), nullBytes = Array("null".utf8)

    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var plain = bytes.startIndex
            for i in bytes.indices {
                let b = bytes[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plain..<i]))
                plain = i + 1
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: Array("\\u00".utf8))
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plain...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: Objects and arrays

    fileprivate func openObject() -> Int {
        objects.append([])
        objectStarts.append(out.count)
        return objects.count - 1
    }

    /// Writes one entry's value through `body` and notes where it lies.
    fileprivate func entry(_ key: JSONBytes.Key, in object: Int, _ body: () throws -> Void) rethrows {
        let start = out.count
        try body()
        objects[object].append(Entry(key: key, start: start, end: out.count))
    }

    /// Puts the entries, written one after another since the object opened, in key order with their keys. A key given
    /// twice keeps its last value, as Foundation's does.
    fileprivate func closeObject(_ object: Int) {
        // Objects close in the order they opened; anything else is handed to Foundation rather than trapped.
        guard object == objects.count - 1 else {
            unsupported = true
            return
        }
        let start = objectStarts.removeLast()
        var sorted = objects.removeLast()
        let values = Array(out[start...])
        out.removeSubrange(start...)
        out.append(UInt8(ascii: "{"))
        // By key, and a repeated key in the order written (`start` grows with each entry).
        sorted.sort { a, b in
            if a.key.prefix != b.key.prefix { return a.key.prefix < b.key.prefix }
            if a.key.raw != b.key.raw { return a.key.raw.lexicographicallyPrecedes(b.key.raw) }
            return a.start < b.start
        }
        var first = true
        for (i, e) in sorted.enumerated() where i + 1 == sorted.count || sorted[i + 1].key.raw != e.key.raw {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: e.key.json)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: values[(e.start - start)..<(e.end - start)])
        }
        out.append(UInt8(ascii: "}"))
    }

    private func arrayElement(_ array: Int, _ body: () throws -> Void) rethrows {
        if arrayCounts[array] > 0 { out.append(UInt8(ascii: ",")) }
        arrayCounts[array] += 1
        try body()
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        switch opened {
        case .object(let index): return KeyedEncodingContainer(Keyed(writer: self, object: index))
        case .none: break
        default: unsupported = true
        }
        let index = openObject()
        opened = .object(index)
        return KeyedEncodingContainer(Keyed(writer: self, object: index))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .none = opened {
            out.append(UInt8(ascii: "["))
            arrayCounts.append(0)
            opened = .array(arrayCounts.count - 1)
        } else {
            unsupported = true
        }
        if case .array(let index) = opened { return Unkeyed(writer: self, array: index) }
        return Unkeyed(writer: self, array: nil)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        if case .none = opened { opened = .single } else { unsupported = true }
        return Single(writer: self)
    }

    /// A container whose writes go nowhere, for what the encoding hands to Foundation anyway.
    private static func discarded<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let scratch = JSONByteWriter()
        return KeyedEncodingContainer(Keyed(writer: scratch, object: scratch.openObject()))
    }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let writer: JSONByteWriter
        let object: Int
        var codingPath: [any CodingKey] { [] }

        private func put(_ key: Key, _ body: () throws -> Void) rethrows {
            try writer.entry(JSONBytes.key(key.stringValue), in: object, body)
        }

        mutating func encodeNil(forKey key: Key) throws { put(key) { writer.out.append(contentsOf: JSONByteWriter.nullBytes) } }
        mutating func encode(_ value: Bool, forKey key: Key) throws { try put(key) { try writer.value(value) } }
        mutating func encode(_ value: String, forKey key: Key) throws { put(key) { JSONByteWriter.string(value, into: &writer.out) } }
        mutating func encode(_ value: Double, forKey key: Key) throws { try put(key) { try writer.double(value) } }
        mutating func encode(_ value: Float, forKey key: Key) throws { try put(key) { try writer.float(value) } }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode(_ value: Int8, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode(_ value: Int16, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode(_ value: Int32, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode(_ value: UInt, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { put(key) { writer.integer(value) } }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try put(key) { try writer.value(value) } }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            writer.unsupported = true
            return JSONByteWriter.discarded(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            writer.unsupported = true
            return Unkeyed(writer: writer, array: nil)
        }

        mutating func superEncoder() -> any Encoder {
            writer.unsupported = true
            return JSONByteWriter()
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            writer.unsupported = true
            return JSONByteWriter()
        }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let writer: JSONByteWriter
        /// Nil for a container the writer could not give (the encoding is then handed to Foundation).
        let array: Int?
        var codingPath: [any CodingKey] { [] }
        var count: Int { array.map { writer.arrayCounts[$0] } ?? 0 }

        private func put(_ body: () throws -> Void) rethrows {
            guard let array else { return }
            try writer.arrayElement(array, body)
        }

        mutating func encodeNil() throws { put { writer.out.append(contentsOf: JSONByteWriter.nullBytes) } }
        mutating func encode(_ value: Bool) throws { try put { try writer.value(value) } }
        mutating func encode(_ value: String) throws { put { JSONByteWriter.string(value, into: &writer.out) } }
        mutating func encode(_ value: Double) throws { try put { try writer.double(value) } }
        mutating func encode(_ value: Float) throws { try put { try writer.float(value) } }
        mutating func encode(_ value: Int) throws { put { writer.integer(value) } }
        mutating func encode(_ value: Int8) throws { put { writer.integer(value) } }
        mutating func encode(_ value: Int16) throws { put { writer.integer(value) } }
        mutating func encode(_ value: Int32) throws { put { writer.integer(value) } }
        mutating func encode(_ value: Int64) throws { put { writer.integer(value) } }
        mutating func encode(_ value: UInt) throws { put { writer.integer(value) } }
        mutating func encode(_ value: UInt8) throws { put { writer.integer(value) } }
        mutating func encode(_ value: UInt16) throws { put { writer.integer(value) } }
        mutating func encode(_ value: UInt32) throws { put { writer.integer(value) } }
        mutating func encode(_ value: UInt64) throws { put { writer.integer(value) } }
        mutating func encode<T: Encodable>(_ value: T) throws { try put { try writer.value(value) } }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            writer.unsupported = true
            return JSONByteWriter.discarded(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            writer.unsupported = true
            return Unkeyed(writer: writer, array: nil)
        }

        mutating func superEncoder() -> any Encoder {
            writer.unsupported = true
            return JSONByteWriter()
        }
    }

    private struct Single: SingleValueEncodingContainer {
        let writer: JSONByteWriter
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { writer.out.append(contentsOf: JSONByteWriter.nullBytes) }
        mutating func encode(_ value: Bool) throws { try writer.value(value) }
        mutating func encode(_ value: String) throws { JSONByteWriter.string(value, into: &writer.out) }
        mutating func encode(_ value: Double) throws { try writer.double(value) }
        mutating func encode(_ value: Float) throws { try writer.float(value) }
        mutating func encode(_ value: Int) throws { writer.integer(value) }
        mutating func encode(_ value: Int8) throws { writer.integer(value) }
        mutating func encode(_ value: Int16) throws { writer.integer(value) }
        mutating func encode(_ value: Int32) throws { writer.integer(value) }
        mutating func encode(_ value: Int64) throws { writer.integer(value) }
        mutating func encode(_ value: UInt) throws { writer.integer(value) }
        mutating func encode(_ value: UInt8) throws { writer.integer(value) }
        mutating func encode(_ value: UInt16) throws { writer.integer(value) }
        mutating func encode(_ value: UInt32) throws { writer.integer(value) }
        mutating func encode(_ value: UInt64) throws { writer.integer(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try writer.value(value) }
    }
}
