package io.taskgate.simulator;

import io.taskgate.simulator.ChatCompletionRequest.InvalidRequestException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Supplier;

/**
 * {@code POST /v1/chat/completions}: checks the key and the body as OpenAI does, draws a fault,
 * then answers with a stream or a single completion after the simulated generation time.
 */
final class ChatCompletionEndpoint {

    private final Vertx vertx;
    private final Supplier<SimulatorConfig> config;
    private final SimulatorStats stats;
    private final FaultSelector faults;

    ChatCompletionEndpoint(Vertx vertx, Supplier<SimulatorConfig> config, SimulatorStats stats, FaultSelector faults) {
        this.vertx = vertx;
        this.config = config;
        this.stats = stats;
        this.faults = faults;
    }

    void handle(HttpServerRequest request) {
        // Counted from arrival, so a client that gives up while sending its body still shows.
        ChatExchange exchange = new ChatExchange(request.response(), stats);
        // One snapshot per request: a PUT /_sim/config mid-stream does not change this answer.
        SimulatorConfig settings = config.get();
        request.body()
                .onSuccess(body -> answer(request, exchange, settings, body))
                .onFailure(error -> exchange.finishWith(400, () -> OpenAiErrors.invalidRequest(
                        request.response(), "The request body could not be read.", null)));
    }

    private void answer(HttpServerRequest request, ChatExchange exchange, SimulatorConfig settings, Buffer body) {
        HttpServerResponse response = request.response();
        switch (ApiKeyCheck.check(request.getHeader("Authorization"), settings.requireApiKey())) {
            case MISSING -> {
                exchange.finishWith(401, () -> OpenAiErrors.missingApiKey(response));
                return;
            }
            case WRONG -> {
                exchange.finishWith(401, () -> OpenAiErrors.wrongApiKey(response));
                return;
            }
            case ACCEPTED -> { }
        }
        ChatCompletionRequest chat;
        try {
            chat = ChatCompletionRequest.parse(body.getBytes(), settings.model());
        } catch (InvalidRequestException invalid) {
            exchange.finishWith(400, () -> OpenAiErrors.invalidRequest(response, invalid.getMessage(), invalid.param()));
            return;
        }
        switch (faults.select(settings)) {
            case RATE_LIMIT -> exchange.finishWith(429, () -> OpenAiErrors.rateLimited(response, settings.retryAfterSeconds()));
            case SERVER_ERROR -> exchange.finishWith(500, () -> OpenAiErrors.serverError(response));
            case BAD_REQUEST -> exchange.finishWith(400,
                    () -> OpenAiErrors.invalidRequest(response, "simulated bad request", null));
            case HANG -> { } // Nothing is ever sent; the exchange ends when the client closes.
            case NONE -> {
                if (chat.stream()) {
                    new ChatCompletionStream(vertx, response, exchange, stats, chat, settings).start();
                } else {
                    sendCompletionLater(response, exchange, chat, settings);
                }
            }
        }
    }

    /** A non-streamed answer arrives when the whole reply would have been generated. */
    private void sendCompletionLater(HttpServerResponse response, ChatExchange exchange, ChatCompletionRequest chat,
            SimulatorConfig settings) {
        SimulatedReply reply = SimulatedReply.of(chat, settings);
        String body = new ChatCompletionJson(chat.model(), false).completion(reply);
        Runnable send = () -> exchange.finishWith(200, () -> response
                .putHeader("Content-Type", "application/json")
                .end(body));
        long delayMs = Math.round(settings.firstTokenMs() + (reply.completionTokens() - 1) * settings.tokenIntervalMs());
        if (delayMs < 1) {
            send.run();
            return;
        }
        long timer = vertx.setTimer(delayMs, id -> send.run());
        exchange.onClientClose(() -> vertx.cancelTimer(timer));
    }
}
