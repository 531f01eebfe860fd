package io.taskgate.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure on the REST path into a problem document with the right status, so a
 * caller never sees a stack trace or an HTML error page. One instance, so that the log throttles
 * below are shared by every request.
 */
@ApplicationScoped
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /**
     * While PostgreSQL or Redis is away every submit is answered 503; one line per problem type
     * per window (the first with its stack trace) says so without burying the rest of the log.
     */
    private static final Duration SERVER_ERROR_LOG_WINDOW = Duration.ofSeconds(10);

    private final Map<String, LogThrottle> serverErrorLogs = new ConcurrentHashMap<>();

    @ServerExceptionMapper
    public RestResponse<Problem> mapProblem(ProblemException e) {
        RestResponse.ResponseBuilder<Problem> answer = answer(e.problem());
        if (e.retryAfter() != null) {
            answer.header("Retry-After", RetryAfter.seconds(e.retryAfter()));
        }
        e.headers().forEach(answer::header);
        if (e.problem().status() >= 500) {
            logServerError(e);
        }
        return answer.build();
    }

    private void logServerError(ProblemException e) {
        Problem problem = e.problem();
        OptionalLong admitted = serverErrorLogs
                .computeIfAbsent(problem.type(), type -> new LogThrottle(SERVER_ERROR_LOG_WINDOW))
                .admit(Instant.now());
        if (admitted.isEmpty()) {
            return;
        }
        long heldBack = admitted.getAsLong();
        if (heldBack == 0) {
            LOG.warnf(e.getCause(), "answered %d: %s", problem.status(), problem.detail());
        } else {
            LOG.warnf("answered %d: %s (%d more like it since the last such line; one line per %d s at most; cause now: %s)",
                    problem.status(), problem.detail(), heldBack, SERVER_ERROR_LOG_WINDOW.toSeconds(),
                    e.getCause() == null ? "none" : e.getCause().toString());
        }
    }

    /** Malformed JSON, or JSON whose shape does not fit the request (a number where text belongs). */
    @ServerExceptionMapper
    public RestResponse<Problem> mapUnreadableJson(JsonProcessingException e) {
        return answer(JsonRefusals.describe(e)).build();
    }

    /** JSON of the wrong shape; named apart because the framework ships its own, body-less mapper for it. */
    @ServerExceptionMapper
    public RestResponse<Problem> mapMismatchedJson(MismatchedInputException e) {
        return mapUnreadableJson(e);
    }

    /** The framework's own refusals: unknown path (404), wrong method (405), media type (415) and so on. */
    @ServerExceptionMapper
    public RestResponse<Problem> mapFrameworkError(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return mapUnreadableJson(json);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return answer(Problem.of("http-" + status.getStatusCode(), status.getReasonPhrase(), status.getStatusCode(),
                e.getMessage(), false)).build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> mapUnexpected(Exception e) {
        LOG.error("unexpected failure on the request path", e);
        return answer(Problem.of("internal-error", "Internal server error", 500,
                "the server failed to handle this request; it has been logged", true)).build();
    }

    private static RestResponse.ResponseBuilder<Problem> answer(Problem problem) {
        return RestResponse.ResponseBuilder.<Problem>create(problem.status())
                .entity(problem)
                .header("Content-Type", Problem.MEDIA_TYPE);
    }
}
