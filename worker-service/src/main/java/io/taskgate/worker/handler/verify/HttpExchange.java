package io.taskgate.worker.handler.verify;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

/**
 * One request and its response on the pooled client. The body is read only when the status makes
 * it matter, and never beyond {@code maxBodyBytes}; a response left unread is reset, so its
 * connection is not kept busy by a body nobody wants. Cancelling the Uni resets the request at
 * whatever stage it is, connecting included.
 */
final class HttpExchange {

    /**
     * @param location the {@code Location} header, or null
     * @param body the body, or null when it was not read
     */
    record Response(int status, String location, byte[] body) {
    }

    private final UniEmitter<? super Response> emitter;
    private final String origin;
    private final long maxBodyBytes;
    private final IntPredicate readBodyFor;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicReference<HttpClientRequest> request = new AtomicReference<>();

    private HttpExchange(UniEmitter<? super Response> emitter, String origin, long maxBodyBytes,
            IntPredicate readBodyFor) {
        this.emitter = emitter;
        this.origin = origin;
        this.maxBodyBytes = maxBodyBytes;
        this.readBodyFor = readBodyFor;
    }

    /**
     * @param payload the request body, or null for none
     * @param readBodyFor which statuses the body is read for
     */
    static Uni<Response> send(HttpClient client, RequestOptions options, Buffer payload, String origin,
            long maxBodyBytes, IntPredicate readBodyFor) {
        return Uni.createFrom().emitter(emitter -> {
            HttpExchange exchange = new HttpExchange(emitter, origin, maxBodyBytes, readBodyFor);
            emitter.onTermination(exchange::abandon);
            client.request(options).onComplete(created -> {
                if (created.failed()) {
                    exchange.fail(created.cause());
                } else {
                    exchange.sendOn(created.result(), payload);
                }
            });
        });
    }

    private void sendOn(HttpClientRequest created, Buffer payload) {
        request.set(created);
        if (settled.get()) {
            // Cancelled while the connection was being made.
            created.reset();
            return;
        }
        // Every failure also fails the response future below; this only keeps it from being logged twice.
        created.exceptionHandler(ignored -> { });
        (payload == null ? created.send() : created.send(payload)).onComplete(answered -> {
            if (answered.failed()) {
                fail(answered.cause());
            } else {
                receive(created, answered.result());
            }
        });
    }

    private void receive(HttpClientRequest sent, HttpClientResponse response) {
        int status = response.statusCode();
        String location = response.getHeader(HttpHeaders.LOCATION);
        if (!readBodyFor.test(status)) {
            succeed(new Response(status, location, null));
            discard(sent, response);
            return;
        }
        if (declaredLength(response) > maxBodyBytes) {
            tooLarge(sent, response);
            return;
        }
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (settled.get()) {
                return;
            }
            if (body.length() + (long) chunk.length() > maxBodyBytes) {
                tooLarge(sent, response);
            } else {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(this::fail);
        response.endHandler(ended -> succeed(new Response(status, location, body.getBytes())));
    }

    private static long declaredLength(HttpClientResponse response) {
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void tooLarge(HttpClientRequest sent, HttpClientResponse response) {
        fail(VerifyFailures.responseTooLarge(origin, maxBodyBytes));
        discard(sent, response);
    }

    /** Stops a response nobody reads; the reset's own error is expected, not worth a log line. */
    private static void discard(HttpClientRequest sent, HttpClientResponse response) {
        response.exceptionHandler(ignored -> { });
        sent.reset();
    }

    private void succeed(Response response) {
        if (settled.compareAndSet(false, true)) {
            emitter.complete(response);
        }
    }

    private void fail(Throwable failure) {
        if (settled.compareAndSet(false, true)) {
            emitter.fail(VerifyFailures.fromTransport(failure, origin));
        }
    }

    /** Runs on every termination; only a cancellation finds the exchange unsettled. */
    private void abandon() {
        if (settled.compareAndSet(false, true)) {
            HttpClientRequest current = request.get();
            if (current != null) {
                current.reset();
            }
        }
    }
}
