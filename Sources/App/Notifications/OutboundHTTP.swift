import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

struct OutboundRequest: Sendable {
    var url: String
    var headers: [(String, String)]
    var body: Data
}

struct OutboundResponse: Sendable {
    var status: Int
    var body: Data
}

/// Outbound HTTP, injected (issue #4): the live one posts with Vapor's client; tests install a capturing fake.
protocol OutboundHTTP: Sendable {
    func post(_ request: OutboundRequest) async throws -> OutboundResponse
}

struct VaporOutboundHTTP: OutboundHTTP {
    let client: any Client
    var timeout: TimeAmount = .seconds(10)

    func post(_ request: OutboundRequest) async throws -> OutboundResponse {
        var headers = HTTPHeaders()
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        let body = request.body
        let response = try await client.post(URI(string: request.url), headers: headers) { req in
            req.body = ByteBuffer(data: body)
            req.timeout = timeout
        }
        return OutboundResponse(status: Int(response.status.code),
                                body: response.body.map { Data($0.readableBytesView) } ?? Data())
    }
}

/// The default in tests: fails loudly, so a test that sends without installing a fake notices.
struct UninjectedOutboundHTTP: OutboundHTTP {
    struct NotInjected: Error, CustomStringConvertible {
        var description: String { "outbound HTTP was not injected in this test; set app.outbound" }
    }
    func post(_ request: OutboundRequest) async throws -> OutboundResponse { throw NotInjected() }
}

extension Application {
    private struct OutboundKey: StorageKey { typealias Value = any OutboundHTTP }

    var outbound: any OutboundHTTP {
        get {
            if let o = storage[OutboundKey.self] { return o }
            return environment == .testing ? UninjectedOutboundHTTP() : VaporOutboundHTTP(client: client)
        }
        set { storage[OutboundKey.self] = newValue }
    }
}
