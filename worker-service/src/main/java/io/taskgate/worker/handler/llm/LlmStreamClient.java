package io.taskgate.worker.handler.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Calls an OpenAI-compatible {@code POST /v1/chat/completions} with {@code stream: true} over
 * Vert.x's non-blocking HTTP client and emits what each server-sent event says, as it arrives.
 * Cancelling the returned Multi resets the request, which closes the connection: the provider
 * sees the client go and stops generating.
 */
@ApplicationScoped
class LlmStreamClient {

    /** Error bodies are read whole; anything longer is not an error body we can use. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final HttpClient http;
    private final LlmConfig config;
    private final ObjectMapper json;

    LlmStreamClient(Vertx vertx, LlmConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                // One pooled connection per concurrent call: the bulkhead bounds how many there are.
                .setMaxPoolSize(config.maxConcurrentCalls())
                .setKeepAlive(true)
                .setTrustAll(false));
    }

    Multi<ChatStreamPart> stream(ObjectNode body) {
        return stream(body, new java.util.concurrent.CompletableFuture<>());
    }

    /**
     * Streams the completion; completing {@code abandon} also resets the request. Callers whose
     * cancellation may not reach this Multi (through a fault-tolerance guard, say) use it to
     * make sure the provider's connection is closed when they give up.
     */
    Multi<ChatStreamPart> stream(ObjectNode body, java.util.concurrent.CompletionStage<Void> abandon) {
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<HttpClientRequest> request = new AtomicReference<>();
            AtomicBoolean finished = new AtomicBoolean();
            Runnable closeIfOpen = () -> {
                HttpClientRequest sent = request.get();
                if (sent != null && !finished.get()) {
                    sent.reset();
                }
            };
            AtomicBoolean terminated = new AtomicBoolean();
            emitter.onTermination(() -> {
                terminated.set(true);
                closeIfOpen.run();
            });
            abandon.thenRun(() -> {
                // Abandoning a stream that already ended (the usual case: the caller completes
                // abandon whenever it is done) is a no-op; failing an ended emitter would only
                // have the failure dropped and logged as an error, once per call.
                if (terminated.get()) {
                    return;
                }
                closeIfOpen.run();
                emitter.fail(new java.util.concurrent.CancellationException("the call was abandoned"));
            });
            http.request(requestOptions())
                    .onFailure(emitter::fail)
                    .onSuccess(sent -> {
                        request.set(sent);
                        sent.exceptionHandler(emitter::fail);
                        sent.send(Buffer.buffer(body.toString()))
                                .onFailure(emitter::fail)
                                .onSuccess(response -> read(response, emitter, finished));
                    });
        });
    }

    private RequestOptions requestOptions() {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(stripTrailingSlash(config.baseUrl()) + "/v1/chat/completions")
                .setIdleTimeout(config.idleTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "text/event-stream");
        config.apiKey().filter(key -> !key.isBlank())
                .ifPresent(key -> options.putHeader("Authorization", "Bearer " + key));
        return options;
    }

    private void read(HttpClientResponse response, MultiEmitter<? super ChatStreamPart> emitter, AtomicBoolean finished) {
        if (response.statusCode() != 200) {
            readError(response, emitter, finished);
            return;
        }
        SseParser parser = new SseParser();
        AtomicBoolean sawDone = new AtomicBoolean();
        AtomicBoolean sawFinish = new AtomicBoolean();
        response.exceptionHandler(emitter::fail);
        response.handler(buffer -> {
            try {
                for (String data : parser.feed(buffer.getBytes())) {
                    if (ChatStreamPart.DONE.equals(data.trim())) {
                        sawDone.set(true);
                        continue;
                    }
                    for (ChatStreamPart part : ChatStreamPart.read(data, json)) {
                        if (part.error() != null) {
                            throw streamError(part.error());
                        }
                        sawFinish.compareAndSet(false, part.finishReason() != null);
                        emitter.emit(part);
                    }
                }
            } catch (RuntimeException e) {
                emitter.fail(e);
                response.request().reset();
            }
        });
        response.endHandler(ignored -> {
            finished.set(true);
            if (sawDone.get() || sawFinish.get()) {
                emitter.complete();
            } else {
                emitter.fail(new UpstreamProtocolException("the stream ended before the completion finished"));
            }
        });
    }

    private void readError(HttpClientResponse response, MultiEmitter<? super ChatStreamPart> emitter, AtomicBoolean finished) {
        Buffer body = Buffer.buffer();
        Duration retryAfter = retryAfter(response.getHeader("Retry-After"));
        response.exceptionHandler(emitter::fail);
        response.handler(chunk -> {
            if (body.length() < MAX_ERROR_BODY) {
                body.appendBuffer(chunk);
            }
        });
        response.endHandler(ignored -> {
            finished.set(true);
            JsonNode error = errorObject(body);
            emitter.fail(new UpstreamHttpException(response.statusCode(), text(error, "message"), text(error, "type"),
                    text(error, "code"), retryAfter));
        });
    }

    /** An error sent inside a 200 stream: the provider failed part-way through. */
    private UpstreamHttpException streamError(JsonNode error) {
        return new UpstreamHttpException(502, text(error, "message"), text(error, "type"), text(error, "code"), null);
    }

    private JsonNode errorObject(Buffer body) {
        try {
            return json.readTree(body.getBytes()).path("error");
        } catch (Exception notJson) {
            return json.missingNode();
        }
    }

    private static String text(JsonNode error, String field) {
        JsonNode value = error.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    /** Retry-After is either a number of seconds or an HTTP date. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(when.getZone()), when);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
