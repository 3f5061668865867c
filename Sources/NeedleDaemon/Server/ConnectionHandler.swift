import NIOCore
import NIOPosix
import NeedleProtocol

#if canImport(Glibc)
import Glibc
#endif

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
    private let admit: @Sendable (any Channel, PeerCredentials) -> Result<ConnectionSlot, ProtocolError>
    private var admitted = false
    private var slot = ConnectionSlot.general
    private let limits: ClientLimits
    private var bucket: TokenBucket
    private var flood = WindowCounter()
    /// When the last complete request arrived (or the connection opened): the idle clock.
    private var lastRequestNs: UInt64
    private let openedNs: UInt64
    /// When everything sent to the client was last seen read.
    private var lastDrainedNs: UInt64
    /// The access policy generation the peer's role was last checked against.
    private var accessGeneration: UInt64 = 0
    private var housekeeping: Scheduled<Void>?
    /// Where commands that read or write the records run (`RequestHandler.runsOffEventLoop`),
    /// so that a query waiting for the disk never holds an event loop that serves `status`.
    private let blockingPool: NIOThreadPool
    /// A command is being answered on `blockingPool`: later requests wait here, so replies
    /// keep the order of their requests.
    private var answering = false
    private var waiting: [LineFramer.Frame] = []
    /// Requests a client may pipeline behind a records command before it is dropped.
    static let maxWaiting = 256

    /// - Parameter admit: asked once the connection is active: the slot it gets, or why it
    ///   is refused.
    init(
        handler: any RequestHandler, peer: PeerCredentials, maxLineLength: Int,
        limits: ClientLimits = ClientLimits(), blockingPool: NIOThreadPool = .singleton,
        admit: @escaping @Sendable (any Channel, PeerCredentials) -> Result<ConnectionSlot, ProtocolError>
    ) {
        self.blockingPool = blockingPool
        self.handler = handler
        self.peer = peer
        self.framer = LineFramer(maxLineLength: maxLineLength)
        self.admit = admit
        self.limits = limits
        let now = NIODeadline.now().uptimeNanoseconds
        self.bucket = TokenBucket(rate: limits.requestsPerSecond, burst: limits.burst, nowNs: now)
        self.lastRequestNs = now
        self.openedNs = now
        self.lastDrainedNs = now
    }

    func channelActive(context: ChannelHandlerContext) {
        // Read before admission: a policy replaced while it runs is seen by the next check.
        accessGeneration = handler.accessGeneration
        switch admit(context.channel, peer) {
        case .failure(let refusal):
            write(Reply(id: nil, failure: refusal), context: context)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                channel.close(promise: nil)
            }
            return
        case .success(let granted):
            slot = granted
        }
        admitted = true
        scheduleHousekeeping(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted, context.channel.isActive else { return }
        let buffer = unwrapInboundIn(data)
        let now = NIODeadline.now().uptimeNanoseconds
        let frames = framer.append(buffer.readableBytesView)
        if slot == .stopOnly {
            if let frame = frames.first { serveStopOnly(frame, context: context) }
            return
        }
        process(frames, now: now, context: context)
    }

    /// Serves `frames` in order; once one is answered on the blocking pool, the rest wait
    /// for its reply.
    private func process(_ frames: [LineFramer.Frame], now: UInt64, context: ChannelHandlerContext) {
        if answering {
            waiting.append(contentsOf: frames)
            if waiting.count > Self.maxWaiting {
                waiting.removeAll()
                drop(ProtocolError(.rateLimited, "more than \(Self.maxWaiting) requests waiting behind a records command; disconnecting"), context: context)
            }
            return
        }
        for (index, frame) in frames.enumerated() {
            if answering {
                waiting.append(contentsOf: frames[index...])
                break
            }
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
                // Only a complete request keeps a connection alive, never a trickle of bytes.
                lastRequestNs = now
                serve(line, context: context)
            }
        }
        if !frames.isEmpty { context.flush() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatching()
        cancelHousekeeping()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopWatching()
        cancelHousekeeping()
    }

    /// A client that does not read its replies: once more than `maxPendingWriteBytes` wait
    /// for it (the high water mark), it is dropped, so its queue cannot grow without bound.
    /// Other connections never wait for it: every write is non-blocking.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if admitted && !context.channel.isWritable {
            stopWatching()
            cancelHousekeeping()
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
        guard roleStillHeld(context: context) else { return }
        if let refusal = handler.authorize(request.command, peer: peer) {
            write(Reply(id: request.id, failure: refusal), context: context)
            return
        }
        if case .watch(let arguments) = request.command {
            beginWatch(id: request.id, intervalMS: arguments.intervalMS, context: context)
            return
        }
        if handler.runsOffEventLoop(request.command) {
            answerOffLoop(request, context: context)
            return
        }
        switch handler.handle(request.command, from: peer) {
        case .success(let payload): write(Reply(id: request.id, result: payload), context: context)
        case .failure(let error): write(Reply(id: request.id, failure: error), context: context)
        }
    }

    /// Answers `request` on the blocking pool; its reply is written back on this event loop,
    /// then the requests that arrived meanwhile are served.
    private func answerOffLoop(_ request: Request, context: ChannelHandlerContext) {
        answering = true
        let handler = handler
        let peer = peer
        let command = request.command
        let id = request.id
        // The reply is encoded on the pool too: a page of 100 sessions is ~100 kB of JSON,
        // work that must not hold the event loop either.
        blockingPool.runIfActive(eventLoop: context.eventLoop) { () -> [UInt8]? in
            BackgroundPriority.lower()
            switch handler.handle(command, from: peer) {
            case .success(let payload): return Self.encode(Reply(id: id, result: payload))
            case .failure(let error): return Self.encode(Reply(id: id, failure: error))
            }
        }
            .assumeIsolated().whenComplete { outcome in
                self.answering = false
                guard context.channel.isActive else { return }
                switch outcome {
                case .success(let line?):
                    context.write(self.wrapOutboundOut(context.channel.allocator.buffer(bytes: line)), promise: nil)
                case .success(nil):
                    context.close(promise: nil)
                    return
                case .failure:
                    self.write(Reply(id: id, failure: ProtocolError(.shuttingDown, "needled is stopping")), context: context)
                }
                context.flush()
                let queued = self.waiting
                self.waiting = []
                if !queued.isEmpty {
                    self.process(queued, now: NIODeadline.now().uptimeNanoseconds, context: context)
                }
            }
    }

    /// A connection on a slot kept for `stop`: its one request is served if it is `stop`
    /// (from a peer whose role allows it), refused `busy` otherwise; then it is closed.
    private func serveStopOnly(_ frame: LineFramer.Frame, context: ChannelHandlerContext) {
        var id: Int64?
        if case .line(let line) = frame, let request = try? Request(jsonLine: line) {
            id = request.id
            if case .stop = request.command {
                let reply: Reply
                if let refusal = handler.authorize(request.command, peer: peer) {
                    reply = Reply(id: id, failure: refusal)
                } else {
                    switch handler.handle(request.command, from: peer) {
                    case .success(let payload): reply = Reply(id: id, result: payload)
                    case .failure(let error): reply = Reply(id: id, failure: error)
                    }
                }
                finish(reply, context: context)
                return
            }
        }
        finish(
            Reply(id: id, failure: ProtocolError(
                .busy, "every control connection is taken; this one was let in for stop only")),
            context: context)
    }

    // MARK: limits

    /// Every `housekeepingInterval`: the role still held (after a configuration reload), the
    /// idle deadline (complete requests only; a watcher is never idle), the stop-only
    /// slot's deadline, and whether the client reads what it is sent.
    private func scheduleHousekeeping(context: ChannelHandlerContext) {
        housekeeping = context.eventLoop.assumeIsolated().scheduleTask(in: limits.housekeepingInterval) {
            self.housekeep(context: context)
        }
    }

    private func housekeep(context: ChannelHandlerContext) {
        housekeeping = nil
        guard admitted, context.channel.isActive else { return }
        guard roleStillHeld(context: context) else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        if slot == .stopOnly {
            if now &- openedNs >= UInt64(max(limits.stopSlotTimeout.nanoseconds, 0)) {
                drop(ProtocolError(.busy, "no stop request within \(limits.stopSlotTimeout.nanoseconds / 1_000_000) ms on a slot kept for stop"), context: context)
                return
            }
        } else if watch == nil, now &- lastRequestNs >= UInt64(max(limits.idleTimeout.nanoseconds, 0)) {
            admitted = false
            context.close(promise: nil)
            return
        }
        checkDrained(now: now, context: context)
        if admitted && context.channel.isActive { scheduleHousekeeping(context: context) }
    }

    private func cancelHousekeeping() {
        housekeeping?.cancel()
        housekeeping = nil
    }

    /// After the access policy changed: the peer is judged again, and one without a role
    /// loses its connection, a running `watch` with it. False when it was dropped.
    private func roleStillHeld(context: ChannelHandlerContext) -> Bool {
        let generation = handler.accessGeneration
        guard generation != accessGeneration else { return true }
        accessGeneration = generation
        if case .failure(let refusal) = handler.admit(peer) {
            drop(ProtocolError(refusal.code, "the configuration was reloaded: \(refusal.message)"), context: context)
            return false
        }
        return true
    }

    /// Drops a client that has left what it was sent unread for `drainTimeout`: the kernel's
    /// count of bytes queued to it and not yet read (SO_MEMINFO's write allocation, which for
    /// a Unix socket is freed only when the peer reads).
    private func checkDrained(now: UInt64, context: ChannelHandlerContext) {
        #if os(Linux)
        guard let provider = context.channel as? any SocketOptionProvider else { return }
        let timeout = UInt64(max(limits.drainTimeout.nanoseconds, 0))
        provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(Self.soMeminfo))
            .assumeIsolated().whenSuccess { (info: SocketMemoryInfo) in
                guard self.admitted, context.channel.isActive else { return }
                if info.writeAllocated == 0 {
                    self.lastDrainedNs = now
                } else if now &- self.lastDrainedNs >= timeout {
                    self.stopWatching()
                    self.cancelHousekeeping()
                    self.admitted = false
                    context.close(promise: nil)
                }
            }
        #endif
    }

    /// SO_MEMINFO (asm-generic/socket.h), not exported by Glibc's Swift module.
    static let soMeminfo: Int32 = 55

    /// Answers with a last reply, then closes.
    private func finish(_ reply: Reply, context: ChannelHandlerContext) {
        stopWatching()
        cancelHousekeeping()
        admitted = false
        write(reply, context: context)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// Answers with a last error, then closes.
    private func drop(_ error: ProtocolError, context: ChannelHandlerContext) {
        finish(Reply(id: nil, failure: error), context: context)
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
        guard watch != nil, context.channel.isActive else { return }
        // A role revoked by a reload ends the watch at once, not at the next housekeeping.
        guard roleStillHeld(context: context), var current = watch else { return }
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
        guard let line = Self.encode(reply) else {
            context.close(promise: nil)
            return
        }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: line)), promise: nil)
    }

    /// The reply's line; nil only if not even the `internal` fallback could be encoded.
    static func encode(_ reply: Reply) -> [UInt8]? {
        if let line = try? WireCoding.encodeLine(reply) { return line }
        return try? WireCoding.encodeLine(Reply(id: reply.id, failure: ProtocolError(.internal, "reply could not be encoded")))
    }
}

/// The start of Linux's SO_MEMINFO array (SK_MEMINFO_RMEM_ALLOC, _RCVBUF, _WMEM_ALLOC, …);
/// the kernel copies no more than the caller's size.
struct SocketMemoryInfo: Sendable {
    var receiveAllocated: UInt32 = 0
    var receiveBuffer: UInt32 = 0
    var writeAllocated: UInt32 = 0
    var sendBuffer: UInt32 = 0
}
