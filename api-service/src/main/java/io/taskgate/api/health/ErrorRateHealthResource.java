package io.taskgate.api.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.OperatorAccepted;
import io.taskgate.api.auth.RequiresRole;
import io.taskgate.api.auth.Role;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.health.ErrorRates.Rate;
import io.taskgate.api.health.WorkerRoster.Member;
import io.taskgate.model.RedisNames;
import io.taskgate.model.health.OutcomeCount;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/health/error-rate}: over a sliding window, this instance's answers by status
 * class and the fleet's attempts by outcome and task type, each with its error rate and a
 * warning above the threshold. The attempts come from the workers' reports, so they reach this
 * answer within a report interval; a worker gone silent still counts for as long as its last
 * report's window lasts. Without Redis the answers' part still comes, and {@code unavailable}
 * says what is missing.
 */
@Path("/api/v1/health/error-rate")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "health")
public class ErrorRateHealthResource {

    /** The answer; {@code tasks} and {@code tasksByType} are null while the workers' reports cannot be read. */
    public record ErrorRate(String status, String checkedAt, long windowSeconds, double warningAbovePercent,
            long minimumCount, Rate requests, Rate tasks, Map<String, Rate> tasksByType, List<String> unavailable) {
    }

    private final RequestOutcomes answers;
    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final HealthReads reads;
    private final ErrorRates rates;
    private final ApiConfig.Health config;

    public ErrorRateHealthResource(RequestOutcomes answers, ReactiveRedisDataSource redis, ObjectMapper json,
            HealthReads reads, ApiConfig config) {
        this.answers = answers;
        this.redis = redis;
        this.json = json;
        this.reads = reads;
        this.config = config.health();
        this.rates = new ErrorRates(this.config.errorRateWarningPercent(), this.config.errorRateMinimumCount());
    }

    @GET
    @Operation(summary = "Error rates over a sliding window: this instance's answers and the fleet's task attempts")
    @RequiresRole(Role.READ)
    @OperatorAccepted
    public Uni<ErrorRate> errorRate() {
        Instant now = Instant.now();
        Rate requests = rates.ofAnswers(answers.byStatusClass());
        return reads.fromRedis(redis.hash(String.class).hgetall(RedisNames.WORKER_REPORTS))
                .map(reports -> recentOutcomes(WorkerRoster.of(reports, now, config.forgetGoneWorkersAfter(), json).members()))
                .map(outcomes -> answer(now, requests, rates.ofAttempts(outcomes), rates.ofAttemptsByType(outcomes),
                        List.of()))
                .onFailure().recoverWithItem(failure -> answer(now, requests, null, null,
                        List.of("tasks: the workers' reports could not be read from Redis")));
    }

    /** Every worker's counts whose window still overlaps now's. */
    private static List<OutcomeCount> recentOutcomes(List<Member> members) {
        List<OutcomeCount> outcomes = new ArrayList<>();
        for (Member member : members) {
            List<OutcomeCount> reported = member.report().recentOutcomes();
            if (reported != null && member.lastSeenSecondsAgo() <= member.report().outcomeWindowSeconds()) {
                outcomes.addAll(reported);
            }
        }
        return outcomes;
    }

    private ErrorRate answer(Instant now, Rate requests, Rate tasks, Map<String, Rate> byType, List<String> unavailable) {
        boolean warning = requests.warning() || tasks != null && tasks.warning();
        return new ErrorRate(warning ? "warning" : "healthy", now.toString(), answers.windowSeconds(),
                config.errorRateWarningPercent(), config.errorRateMinimumCount(), requests, tasks, byType, unavailable);
    }
}
