import Foundation
import Vapor

/// The effects the app takes from outside — time, ids, random tokens — injected so tests pin them.
struct AppDependencies: Sendable {
    var now: @Sendable () -> Date
    var newID: @Sendable () -> UUID
    var randomToken: @Sendable () -> String

    static let live = AppDependencies(
        now: { Date() },
        newID: { UUIDv7.make(at: Date()) },
        randomToken: { SecureToken.make() }
    )
}

extension Application {
    private struct DependenciesKey: StorageKey { typealias Value = AppDependencies }

    var deps: AppDependencies {
        get { storage[DependenciesKey.self] ?? .live }
        set { storage[DependenciesKey.self] = newValue }
    }
}

extension Request {
    var deps: AppDependencies { application.deps }
    var now: Date { application.deps.now() }
}

/// Time-ordered UUIDs (RFC 9562 version 7): sorting by id is sorting by creation, which makes keyset
/// pagination by id follow the order people expect, on SQLite (blob) and PostgreSQL (uuid) alike.
enum UUIDv7 {
    static func make(at date: Date) -> UUID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8((ms >> (8 * (5 - UInt64(i)))) & 0xff) }
        var rng = SystemRandomNumberGenerator()
        for i in 6..<16 { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        bytes[6] = (bytes[6] & 0x0f) | 0x70
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// 256-bit random tokens from the system's secure generator, base64url without padding.
enum SecureToken {
    static func make(bytes count: Int = 32) -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
