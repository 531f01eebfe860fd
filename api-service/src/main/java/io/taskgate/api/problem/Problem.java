package io.taskgate.api.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem document, the body of every error answer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, boolean retryable) {

    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_BASE = "https://taskgate.io/problems/";

    public static Problem of(String slug, String title, int status, String detail, boolean retryable) {
        return new Problem(TYPE_BASE + slug, title, status, detail, retryable);
    }
}
