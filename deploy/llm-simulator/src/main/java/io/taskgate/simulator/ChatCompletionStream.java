package io.taskgate.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * One streamed answer, written as OpenAI writes it: {@code data: <chunk>} events separated by a
 * blank line, the role first, one chunk per token, a finish chunk, an optional usage chunk, then
 * {@code data: [DONE]}. Paced by event-loop timers, never by a sleeping thread, so a thousand
 * streams cost a thousand timers and no threads.
 */
final class ChatCompletionStream {

    private static final long NO_TIMER = -1;

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final ChatExchange exchange;
    private final SimulatorStats stats;
    private final SimulatedReply reply;
    private final ChatCompletionJson json;
    private final boolean includeUsage;
    private final SimulatorConfig config;

    private long startNanos;
    private int nextToken;
    private long keepAliveTimer = NO_TIMER;
    private long tokenTimer = NO_TIMER;

    ChatCompletionStream(Vertx vertx, HttpServerResponse response, ChatExchange exchange, SimulatorStats stats,
            ChatCompletionRequest request, SimulatorConfig config) {
        this.vertx = vertx;
        this.response = response;
        this.exchange = exchange;
        this.stats = stats;
        this.config = config;
        this.reply = SimulatedReply.of(request, config);
        this.json = new ChatCompletionJson(request.model(), request.includeUsage());
        this.includeUsage = request.includeUsage();
    }

    void start() {
        stats.streamStarted();
        exchange.onClientClose(this::cancelTimers);
        exchange.responding(200);
        // Headers go out at once, as a real provider's do: a client's read timeout then measures
        // the wait for tokens, and keep-alive comments have a response to travel in.
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .writeHead();
        startNanos = System.nanoTime();
        keepAliveTimer = vertx.setPeriodic(config.keepAliveMs(), id -> sendKeepAlive());
        tokenTimer = vertx.setTimer(Math.max(1, config.firstTokenMs()), id -> sendDueTokens());
    }

    private void sendKeepAlive() {
        if (exchange.isOpen()) {
            response.write(": keep-alive" + config.lineEnding() + config.lineEnding());
        }
    }

    /**
     * Sends every token whose time has come (at least one), so the pace holds even when it is
     * faster than the 1 ms timer resolution or the event loop fell behind.
     */
    private void sendDueTokens() {
        tokenTimer = NO_TIMER;
        if (!exchange.isOpen()) {
            return;
        }
        if (nextToken == 0) {
            vertx.cancelTimer(keepAliveTimer);
            keepAliveTimer = NO_TIMER;
            sendEvent(json.roleChunk());
        }
        double elapsedMs = (System.nanoTime() - startNanos) / 1_000_000.0;
        do {
            sendEvent(json.contentChunk(reply.tokens().get(nextToken++)));
        } while (nextToken < reply.tokens().size() && dueMs(nextToken) <= elapsedMs);

        if (nextToken == reply.tokens().size()) {
            finish();
        } else if (response.writeQueueFull()) {
            // A client that reads slower than we write: wait for its socket instead of buffering.
            response.drainHandler(ignored -> scheduleNextToken());
        } else {
            scheduleNextToken();
        }
    }

    private void scheduleNextToken() {
        if (!exchange.isOpen()) {
            return;
        }
        double elapsedMs = (System.nanoTime() - startNanos) / 1_000_000.0;
        long delay = Math.max(1, (long) Math.ceil(dueMs(nextToken) - elapsedMs));
        tokenTimer = vertx.setTimer(delay, id -> sendDueTokens());
    }

    /** When token {@code index} is due, counted from the start of the response. */
    private double dueMs(int index) {
        return config.firstTokenMs() + index * config.tokenIntervalMs();
    }

    private void finish() {
        stats.streamCompleted();
        exchange.finish();
        sendEvent(json.finishChunk(reply.finishReason()));
        if (includeUsage) {
            sendEvent(json.usageChunk(reply));
        }
        response.end("data: [DONE]" + config.lineEnding() + config.lineEnding());
    }

    private void sendEvent(String data) {
        response.write("data: " + data + config.lineEnding() + config.lineEnding());
    }

    private void cancelTimers() {
        // Runs on the connection's event loop, the same one that owns the timers' handlers.
        vertx.cancelTimer(keepAliveTimer);
        vertx.cancelTimer(tokenTimer);
    }
}
