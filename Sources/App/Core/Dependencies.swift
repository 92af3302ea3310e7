import Foundation
import NIOConcurrencyHelpers
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
        let (high, low) = randomBits.withLockedValue { $0.next() }
        func byte(_ v: UInt64, _ i: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: v >> (8 * i)) }
        return UUID(uuid: (byte(ms, 5), byte(ms, 4), byte(ms, 3), byte(ms, 2), byte(ms, 1), byte(ms, 0),
                           (byte(high, 0) & 0x0f) | 0x70, byte(high, 1), (byte(high, 2) & 0x3f) | 0x80, byte(high, 3),
                           byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4), byte(low, 5)))
    }

    /// The random part of the ids, from the system's secure generator 4 KiB at a time: one system call per 256 ids
    /// rather than two per id (a new request makes a dozen ids, all inside the write lock).
    private static let randomBits = NIOLockedValueBox(RandomBits())

    private struct RandomBits {
        var words = [UInt64](repeating: 0, count: 512)
        var used = 512

        mutating func next() -> (UInt64, UInt64) {
            if used + 2 > words.count {
                words.withUnsafeMutableBytes { SystemRandom.fill($0) }
                used = 0
            }
            defer { used += 2 }
            return (words[used], words[used + 1])
        }
    }
}

/// Bytes from the system's secure generator, a buffer at a time: on Linux read from `/dev/urandom` (opened once),
/// elsewhere, or if that fails, drawn eight bytes at a time.
enum SystemRandom {
    #if os(Linux)
    private static let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    #endif

    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        #if os(Linux)
        while urandom >= 0, done < buffer.count {
            let n = read(urandom, base + done, buffer.count - done)
            if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { break }
        }
        #endif
        var rng = SystemRandomNumberGenerator()
        while done < buffer.count {
            withUnsafeBytes(of: rng.next() as UInt64) { word in
                (base + done).copyMemory(from: word.baseAddress!, byteCount: min(8, buffer.count - done))
            }
            done += 8
        }
    }
}

/// 256-bit random tokens from the system's secure generator, base64url without padding.
enum SecureToken {
    static func make(bytes count: Int = 32) -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        while bytes.count < count { withUnsafeBytes(of: rng.next() as UInt64) { bytes.append(contentsOf: $0) } }
        return Data(bytes.prefix(count)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
