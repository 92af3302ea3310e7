@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("OpenAPI document")
struct OpenAPIDriftTests {
    /// Every API route has an operation in the document, and every operation has a route.
    @Test func routesAndOperationsMatch() async throws {
        try await withTestApp { env in
            let routes = Set(env.app.routes.all.compactMap { route -> String? in
                let parts = route.path.map { component -> String in
                    switch component {
                    case .constant(let c): c
                    case .parameter: "{}"
                    case .anything, .catchall: "*"
                    }
                }
                guard parts.starts(with: ["api", "v1"]) else { return nil }
                return route.method.rawValue + " /" + parts.dropFirst(2).joined(separator: "/")
            })
            var documented = Set<String>()
            for (path, ops) in SpecValidator.paths {
                let normalized = path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "{}", options: .regularExpression)
                for method in (ops as? [String: Any] ?? [:]).keys { documented.insert(method.uppercased() + " " + normalized) }
            }
            #expect(routes.subtracting(documented).sorted() == [], "routes without an operation")
            #expect(documented.subtracting(routes).sorted() == [], "operations without a route")
        }
    }

    @Test func servedDocumentIsOpenAPI31() async throws {
        try await withTestApp { env in
            let r = try await env.api(.GET, "/openapi.json", anonymous: true)
            #expect(r.status == .ok)
            #expect(r.string("openapi") == "3.1.0")
            #expect((r["paths"] as? [String: Any])?["/contracts/{id}"] != nil)
            // Every write documents the busy-database answer (503 with Retry-After); reads do not.
            let paths = r["paths"] as? [String: [String: Any]] ?? [:]
            for (path, methods) in paths {
                for (method, op) in methods {
                    let responses = (op as? [String: Any])?["responses"] as? [String: Any] ?? [:]
                    #expect((responses["503"] != nil) == (method != "get"), "\(method) \(path)")
                }
            }
            #expect(paths.count > 50)
        }
    }

    /// The validator itself must catch drift, or the checks above prove nothing.
    @Test func validatorRejectsMismatches() {
        let body = Data(#"{"id":"x","number":5}"#.utf8)
        let problems = SpecValidator.problems(method: "GET", path: "/contracts/0190a0a0-0000-7000-8000-000000000001", status: 200, body: body)
        #expect(problems.contains { $0.contains("not a uuid") })
        #expect(problems.contains { $0.contains("missing required title") })
        #expect(problems.contains { $0.contains("$.number: expected string") })
        #expect(!SpecValidator.problems(method: "GET", path: "/contracts", status: 418, body: Data()).isEmpty)
        #expect(!SpecValidator.problems(method: "PUT", path: "/contracts", status: 200, body: Data()).isEmpty)
    }
}
