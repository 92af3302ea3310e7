import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The load generator's HTTP/1.1 client: keep-alive connections to one server on loopback, each carrying one request at
/// a time, with NIO's HTTP codec and nothing more. It shares the machine's cores with the server it measures, so it is
/// kept as light as a load tool can be: no URL parsing, redirects, timeouts or pool state machines per request (a
/// general-purpose client spent about a quarter of a millisecond of CPU on each creation, a fifth of the server's).
final class BenchConnections: Sendable {
    let host: String
    let port: Int
    private let group: any EventLoopGroup
    private let idle = NIOLockedValueBox<[any Channel]>([])

    init(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.group = group
    }

    struct Reply: Sendable {
        var status: UInt
        var body: ByteBuffer?
        var etag: String?
    }

    /// Sends one request on an idle connection (or a new one) and waits for the whole answer. A connection that failed
    /// is closed rather than used again.
    func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)], body: String?) async throws -> Reply {
        let channel = try await checkOut()
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let buffer = body.map { channel.allocator.buffer(string: $0) }
        head.headers.add(name: "Content-Length", value: String(buffer?.readableBytes ?? 0))
        let promise = channel.eventLoop.makePromise(of: Reply.self)
        channel.writeAndFlush(Exchange(head: head, body: buffer, reply: promise), promise: nil)
        do {
            let reply = try await promise.futureResult.get()
            idle.withLockedValue { $0.append(channel) }
            return reply
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Closes every idle connection (the ones in use close with their failure, or are idle again when done).
    func close() async {
        let channels = idle.withLockedValue { all in defer { all.removeAll() }; return all }
        for channel in channels { try? await channel.close() }
    }

    private func checkOut() async throws -> any Channel {
        while let channel = idle.withLockedValue({ $0.popLast() }) {
            if channel.isActive { return channel }
        }
        return try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
            .connect(host: host, port: port).get()
    }
}

/// One request and where its answer goes.
private struct Exchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var reply: EventLoopPromise<BenchConnections.Reply>
}

/// Writes an exchange's request and completes its promise with the answer, collected whole. It lives on its channel's
/// event loop, so its state needs no lock.
private final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private var pending: EventLoopPromise<BenchConnections.Reply>?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard pending == nil else {
            exchange.reply.fail(ChannelError.inappropriateOperationForState)
            return
        }
        pending = exchange.reply
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
        case .body(var part):
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            let reply = BenchConnections.Reply(status: head?.status.code ?? 599, body: body, etag: head?.headers.first(name: "ETag"))
            head = nil
            body = nil
            let promise = pending
            pending = nil
            promise?.succeed(reply)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error) {
        let promise = pending
        pending = nil
        head = nil
        body = nil
        promise?.fail(error)
    }
}
