import NIOCore
import NeedleProtocol

/// Serves one control connection: frames lines, decodes requests, dispatches them to the
/// `RequestHandler`, writes replies, and streams `watch` telemetry. Lives on the channel's
/// event loop; every method runs there.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How often a watcher samples the status to notice state/mode/fault changes promptly.
    static let changePollInterval = 10

    private struct Watch {
        var requestID: Int64?
        var intervalMS: Int
        var lastSent: NIODeadline?
        var lastKey: ChangeKey?
        var scheduled: Scheduled<Void>?
    }

    /// The parts of the status whose change is pushed immediately.
    private struct ChangeKey: Equatable {
        var state: PenState
        var mode: OperatingMode
        var faults: [FaultCode]
        init(_ status: StatusResult) {
            state = status.state
            mode = status.mode
            faults = status.faults
        }
    }

    private let handler: any RequestHandler
    private let peer: PeerCredentials
    private var framer: LineFramer
    private var watch: Watch?
    private let admit: @Sendable (any Channel) -> ProtocolError?
    private var admitted = false
    private let limits: ClientLimits
    private var bucket: TokenBucket
    private var flood = WindowCounter()
    private var lastReadNs: UInt64
    private var idleCheck: Scheduled<Void>?

    /// - Parameter admit: asked once the connection is active; an error refuses it.
    init(
        handler: any RequestHandler, peer: PeerCredentials, maxLineLength: Int,
        limits: ClientLimits = ClientLimits(),
        admit: @escaping @Sendable (any Channel) -> ProtocolError?
    ) {
        self.handler = handler
        self.peer = peer
        self.framer = LineFramer(maxLineLength: maxLineLength)
        self.admit = admit
        self.limits = limits
        let now = NIODeadline.now().uptimeNanoseconds
        self.bucket = TokenBucket(rate: limits.requestsPerSecond, burst: limits.burst, nowNs: now)
        self.lastReadNs = now
    }

    func channelActive(context: ChannelHandlerContext) {
        if let refusal = admit(context.channel) {
            write(Reply(id: nil, failure: refusal), context: context)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                channel.close(promise: nil)
            }
            return
        }
        admitted = true
        scheduleIdleCheck(in: limits.idleTimeout, context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted, context.channel.isActive else { return }
        let buffer = unwrapInboundIn(data)
        let now = NIODeadline.now().uptimeNanoseconds
        lastReadNs = now
        let frames = framer.append(buffer.readableBytesView)
        for frame in frames {
            // A write below may have dropped a client that does not read its replies.
            guard context.channel.isActive else { return }
            guard bucket.take(nowNs: now) else {
                if flood.record(nowNs: now) > limits.floodLimit {
                    drop(
                        ProtocolError(
                            .rateLimited,
                            "still flooding after \(limits.floodLimit) rate-limited requests in a second; disconnecting"),
                        context: context)
                    return
                }
                write(
                    Reply(id: nil, failure: ProtocolError(
                        .rateLimited, "more than \(limits.requestsPerSecond) requests per second; request discarded")),
                    context: context)
                continue
            }
            switch frame {
            case .tooLong:
                let limit = framer.maxLineLength
                write(
                    Reply(id: nil, failure: ProtocolError(
                        .requestTooLarge, "request line longer than \(limit) bytes; discarded up to the next newline")),
                    context: context)
            case .line(let line):
                serve(line, context: context)
            }
        }
        if !frames.isEmpty { context.flush() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatching()
        cancelIdleCheck()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopWatching()
        cancelIdleCheck()
    }

    /// A client that does not read its replies: once more than `maxPendingWriteBytes` wait
    /// for it (the high water mark), it is dropped, so its queue cannot grow without bound.
    /// Other connections never wait for it: every write is non-blocking.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if admitted && !context.channel.isWritable {
            stopWatching()
            cancelIdleCheck()
            context.close(promise: nil)
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        stopWatching()
        context.close(promise: nil)
    }

    private func serve(_ line: [UInt8], context: ChannelHandlerContext) {
        let request: Request
        do {
            request = try Request(jsonLine: line)
        } catch {
            write(error.reply, context: context)
            return
        }
        if let refusal = handler.authorize(request.command, peer: peer) {
            write(Reply(id: request.id, failure: refusal), context: context)
            return
        }
        if case .watch(let arguments) = request.command {
            beginWatch(id: request.id, intervalMS: arguments.intervalMS, context: context)
            return
        }
        switch handler.handle(request.command, from: peer) {
        case .success(let payload): write(Reply(id: request.id, result: payload), context: context)
        case .failure(let error): write(Reply(id: request.id, failure: error), context: context)
        }
    }

    // MARK: limits

    /// Closes a connection that has been silent for `idleTimeout`; a watcher is never idle.
    private func scheduleIdleCheck(in delay: TimeAmount, context: ChannelHandlerContext) {
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.checkIdle(context: context)
        }
    }

    private func checkIdle(context: ChannelHandlerContext) {
        idleCheck = nil
        guard context.channel.isActive else { return }
        let timeout = UInt64(max(limits.idleTimeout.nanoseconds, 1))
        let silent = NIODeadline.now().uptimeNanoseconds &- lastReadNs
        if watch != nil || silent < timeout {
            let remaining = watch != nil ? timeout : timeout - silent
            scheduleIdleCheck(in: .nanoseconds(Int64(remaining)), context: context)
            return
        }
        context.close(promise: nil)
    }

    private func cancelIdleCheck() {
        idleCheck?.cancel()
        idleCheck = nil
    }

    /// Answers with a last error, then closes.
    private func drop(_ error: ProtocolError, context: ChannelHandlerContext) {
        stopWatching()
        cancelIdleCheck()
        admitted = false
        write(Reply(id: nil, failure: error), context: context)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    // MARK: watch

    private func beginWatch(id: Int64?, intervalMS: Int, context: ChannelHandlerContext) {
        stopWatching()
        write(Reply(id: id, result: .json(.object(["interval_ms": .integer(Int64(intervalMS))]))), context: context)
        watch = Watch(requestID: id, intervalMS: intervalMS)
        tick(context: context)
    }

    private func stopWatching() {
        watch?.scheduled?.cancel()
        watch = nil
    }

    /// Sends telemetry when the interval has passed or state/mode/faults changed, then
    /// schedules the next sample. A peer that does not read gets samples dropped (telemetry is
    /// lossy), never an unbounded buffer; a change is retried until it goes out.
    private func tick(context: ChannelHandlerContext) {
        guard var current = watch, context.channel.isActive else { return }
        let now = NIODeadline.now()
        let status = handler.status()
        let key = ChangeKey(status)
        let due = current.lastSent.map { now - $0 >= .milliseconds(Int64(current.intervalMS)) } ?? true
        if (due || key != current.lastKey) && context.channel.isWritable {
            do {
                let line = try WireCoding.encodeLine(Event.telemetry(status))
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: line)), promise: nil)
                current.lastSent = now
                current.lastKey = key
            } catch {
                write(
                    Reply(id: current.requestID, failure: ProtocolError(.internal, "status could not be encoded: \(error)")),
                    context: context)
                context.flush()
                watch = nil
                return
            }
        }
        let delay = min(current.intervalMS, Self.changePollInterval)
        current.scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(delay))) {
            self.tick(context: context)
        }
        watch = current
    }

    // MARK: output

    /// Writes one reply line (flushed by the caller). A reply that cannot be encoded (e.g. a
    /// non-finite number from the handler) becomes an `internal` error with the same id.
    private func write(_ reply: Reply, context: ChannelHandlerContext) {
        let line: [UInt8]
        do {
            line = try WireCoding.encodeLine(reply)
        } catch {
            let fallback = Reply(id: reply.id, failure: ProtocolError(.internal, "reply could not be encoded"))
            guard let encoded = try? WireCoding.encodeLine(fallback) else {
                context.close(promise: nil)
                return
            }
            line = encoded
        }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: line)), promise: nil)
    }
}
