package io.taskgate.worker.handler.llm;

/** The provider answered with something that is not the wire format it promises. */
class UpstreamProtocolException extends RuntimeException {

    UpstreamProtocolException(String message) {
        super(message, null, false, false);
    }
}
