import Fluent
import Vapor

/// The security log of issue #5 (ASVS 16): sign-ins, failures, lockouts, permission denials, token and user changes.
/// It is the audit trail itself — `entity_type = "security"` — so the hash chain covers it too.
enum SecurityLog {
    static let entityType = "security"

    /// Records one security event in its own write transaction. Used where there is no other change to
    /// attach it to (a refused request, a failed sign-in); never fails the request that triggered it.
    static func record(_ app: Application, actor: Actor, action: String, subject: String, detail: [String: String]) async {
        let now = app.deps.now()
        do {
            try await Store.write(app) { db in
                try await AuditLog.append(on: db, at: now, actor: actor, action: action, entityType: entityType,
                                          entityID: subject, after: detail)
            }
        } catch {
            app.logger.error("security event not recorded", metadata: ["component": "security", "action": "\(action)", "error": "\(error)"])
        }
    }

    /// Inside an existing write transaction (token creation, password change …).
    static func append(on db: any Database, at: Date, actor: Actor, action: String, subject: String, detail: [String: String]) async throws {
        try await AuditLog.append(on: db, at: at, actor: actor, action: action, entityType: entityType, entityID: subject, after: detail)
    }

    static func address(_ req: Request) -> String { req.remoteAddress?.ipAddress ?? "unknown" }
}

/// Writes a `permission.denied` security event for a 403 (API and web) — including CSRF refusals — and for the
/// 404s that hide another customer's records (`CustomerScope` marks those), then lets the error go on to
/// `LvyueErrorMiddleware` unchanged.
struct SecurityLogMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            let reason: String? = switch error {
            case AppError.forbidden(let reason): reason
            case AppError.notFound where request.storage[HiddenDenialKey.self] == true: "outside the customer's scope (answered 404)"
            default: nil
            }
            guard let reason else { return request.eventLoop.makeFailedFuture(error) }
            return request.eventLoop.makeFutureWithTask {
                await Self.log(request, reason: reason)
                throw error
            }
        }
    }

    /// At most one event per user (or address), method and route a minute (`DenialLimiter`); repeats are counted and
    /// written as one `permission.denied.repeated` event once the minute is over.
    static func log(_ req: Request, reason: String) async {
        let user = req.auth.get(User.self)
        let app = req.application
        let now = app.deps.now()
        let who = user?.id.map { "user:" + $0.uuidString.lowercased() } ?? "address:" + SecurityLog.address(req)
        let route = req.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(no route)"
        let key = DenialLimiter.Key(who: who, method: req.method.rawValue, route: route)
        let (first, finished) = app.denialLimiter.note(key, actor: user?.actor ?? .system, subject: user?.username ?? "anonymous", at: now)
        await DenialLimiter.write(app, finished)
        guard first else { return }
        await SecurityLog.record(app, actor: user?.actor ?? .system, action: "permission.denied",
                                 subject: user?.username ?? "anonymous",
                                 detail: ["method": req.method.rawValue, "path": req.url.path, "route": route, "reason": reason,
                                          "address": SecurityLog.address(req)])
    }
}

struct HiddenDenialKey: StorageKey { typealias Value = Bool }
