package io.taskgate.api.limits;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.Caller;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.api.context.CallerContext;
import io.taskgate.model.Batcher;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Counts each call against its key's and its tenant's budget in Redis, shared by every api
 * instance, with a script that checks and charges every budget atomically. Calls that arrive
 * while earlier counts are out leave together, in one pipelined round trip, and calls with the
 * same budgets in one script call that counts them all: each still gets exactly the decision it
 * would have got alone, in arrival order.
 *
 * <p>A refusal is remembered locally until the moment the budget has room again: the budget
 * only refills with time, so until then every instance would refuse too, and this one does so
 * without asking Redis. When Redis does not answer within its timeout the operator's choice
 * applies ({@code allow} by default), and Redis is left alone for a moment so a dead Redis costs
 * requests nothing but that first timeout.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);
    private static final String SCRIPT = script();
    private static final String SCRIPT_SHA = sha1(SCRIPT);

    private final ReactiveRedisDataSource redis;
    private final ApiConfig.Limits config;
    private final RateBudgets budgets;
    private final LocalRefusals refusals = new LocalRefusals();
    /** Concurrent calls leave for Redis together: one pipelined round trip counts a whole batch. */
    private final Batcher<List<RateBudget>, RateDecision> counts;
    /** Until when (System.nanoTime) Redis is not asked, after it failed to count. */
    private final AtomicLong redisAwayUntil = new AtomicLong(System.nanoTime());
    private volatile boolean redisAway;

    public RateLimiter(ReactiveRedisDataSource redis, ApiConfig config) {
        this.redis = redis;
        this.config = config.limits();
        this.budgets = new RateBudgets(config.limits());
        this.counts = new Batcher<>(config.limits().countBatchSize(), config.limits().countBatchesInFlight(),
                this::countAll);
    }

    /** The decision for one call; a refusal is a decision too, not a failure. */
    public Uni<RateDecision> check(Caller caller, RateClass kind) {
        if (!config.enabled()) {
            return Uni.createFrom().item(RateDecision.UNCOUNTED);
        }
        return charge(budgets.of(caller, kind));
    }

    /** A refusal this instance already knows to stand for one of {@code counted}; null if none. */
    RateDecision standingRefusal(List<RateBudget> counted) {
        return refusals.refusalFor(counted, System.nanoTime());
    }

    /** Counts one call against {@code counted}, whoever they belong to (a caller, an address). */
    Uni<RateDecision> charge(List<RateBudget> counted) {
        if (!config.enabled() || counted.isEmpty()) {
            return Uni.createFrom().item(RateDecision.UNCOUNTED);
        }
        long now = System.nanoTime();
        RateDecision known = refusals.refusalFor(counted, now);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        if (now - redisAwayUntil.get() < 0) {
            return Uni.createFrom().item(() -> uncounted(null));
        }
        return Uni.createFrom().deferred(() -> CallerContext.backOnCallersContext(counts.add(counted)))
                .ifNoItem().after(config.redisTimeout()).fail()
                .invoke(this::redisBack)
                .onFailure().recoverWithUni(failure -> Uni.createFrom().item(() -> uncounted(failure)));
    }

    /**
     * One batch of calls, counted in one pipelined round trip: calls with the same budgets (the
     * same key, say) share one script call that counts all of them, other calls get their own.
     */
    private Uni<List<RateDecision>> countAll(List<List<RateBudget>> calls) {
        Map<List<RateBudget>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            groups.computeIfAbsent(calls.get(i), budgets -> new ArrayList<>()).add(i);
        }
        return send(groups, true)
                .onFailure(RateLimiter::scriptNotLoaded).recoverWithUni(() -> send(groups, false))
                .ifNoItem().after(config.redisTimeout()).fail()
                .map(answers -> {
                    RateDecision[] decisions = new RateDecision[calls.size()];
                    int group = 0;
                    for (Map.Entry<List<RateBudget>, List<Integer>> members : groups.entrySet()) {
                        decide(members.getKey(), members.getValue(), answers.get(group++), decisions);
                    }
                    return Arrays.asList(decisions);
                });
    }

    private Uni<List<Response>> send(Map<List<RateBudget>, List<Integer>> groups, boolean byDigest) {
        List<Request> scripts = new ArrayList<>(groups.size());
        groups.forEach((budgets, members) -> scripts.add(script(budgets, members.size(), byDigest)));
        return redis.getRedis().batch(scripts);
    }

    private static Request script(List<RateBudget> budgets, int calls, boolean byDigest) {
        Request script = byDigest ? Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA) : Request.cmd(Command.EVAL).arg(SCRIPT);
        script.arg(budgets.size());
        budgets.forEach(budget -> script.arg(budget.bucket()));
        script.arg(calls);
        budgets.forEach(budget -> script.arg(budget.emissionIntervalMicros()).arg(budget.windowMicros()));
        return script;
    }

    /** Each call of one group gets what counting them one after the other would have given it. */
    private void decide(List<RateBudget> budgets, List<Integer> members, Response answer, RateDecision[] decisions) {
        long[] backlogs = new long[budgets.size()];
        for (int i = 0; i < backlogs.length; i++) {
            backlogs[i] = answer.get(1 + i).toLong();
        }
        GroupCharge charge = new GroupCharge(budgets, answer.get(0).toInteger(), backlogs);
        RateDecision refused = null;
        for (int position = 0; position < members.size(); position++) {
            if (charge.admits(position)) {
                decisions[members.get(position)] = charge.admittedAt(position);
            } else {
                if (refused == null) {
                    refused = remembered(charge.refusals());
                }
                decisions[members.get(position)] = refused;
            }
        }
    }

    /** Every budget that refused is remembered with its own wait; the answer names the longest. */
    private RateDecision remembered(List<RateDecision> refused) {
        long now = System.nanoTime();
        RateDecision longest = null;
        for (RateDecision refusal : refused) {
            refusals.remember(refusal, now);
            if (longest == null || refusal.retryAfter().compareTo(longest.retryAfter()) > 0) {
                longest = refusal;
            }
        }
        return longest;
    }

    private RateDecision uncounted(Throwable failure) {
        if (failure != null) {
            redisAwayUntil.set(System.nanoTime() + config.redisRetryAfter().toNanos());
            if (!redisAway) {
                redisAway = true;
                LOG.warnf("rate limits cannot be counted (%s); requests are %s until Redis answers again",
                        describe(failure), config.whenRedisFails() == ApiConfig.WhenUncounted.ALLOW
                                ? "let in uncounted" : "refused with 503");
            }
        }
        if (config.whenRedisFails() == ApiConfig.WhenUncounted.REFUSE) {
            throw ProblemException.unavailable("rate-limit-unavailable",
                    "request rates cannot be counted right now; try again", config.redisRetryAfter(), failure);
        }
        return RateDecision.UNCOUNTED;
    }

    private void redisBack(RateDecision ignored) {
        if (redisAway) {
            redisAway = false;
            LOG.info("rate limits are counted again");
        }
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    /** A pipelined batch reports the first failed command as "ERR [index] NOSCRIPT …". */
    private static boolean scriptNotLoaded(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }

    private static String script() {
        try (InputStream in = RateLimiter.class.getResourceAsStream("/limits/rate-budgets.lua")) {
            if (in == null) {
                throw new IllegalStateException("limits/rate-budgets.lua is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
    }
}
