package io.taskgate.api.limits;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.Caller;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.ProblemException;
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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Counts each call against its key's and its tenant's budget in Redis, shared by every api
 * instance, in one round trip (a script that checks and charges every budget atomically).
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
    /** Until when (System.nanoTime) Redis is not asked, after it failed to count. */
    private final AtomicLong redisAwayUntil = new AtomicLong(System.nanoTime());
    private volatile boolean redisAway;

    public RateLimiter(ReactiveRedisDataSource redis, ApiConfig config) {
        this.redis = redis;
        this.config = config.limits();
        this.budgets = new RateBudgets(config.limits());
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
        return count(counted)
                .ifNoItem().after(config.redisTimeout()).fail()
                .map(answer -> decide(counted, answer))
                .invoke(this::redisBack)
                .onFailure().recoverWithUni(failure -> Uni.createFrom().item(() -> uncounted(failure)));
    }

    private Uni<Response> count(List<RateBudget> counted) {
        List<String> shaArgs = arguments(SCRIPT_SHA, counted);
        return redis.execute("EVALSHA", shaArgs.toArray(String[]::new))
                .onFailure(RateLimiter::scriptNotLoaded)
                .recoverWithUni(() -> redis.execute("EVAL", arguments(SCRIPT, counted).toArray(String[]::new)));
    }

    private static List<String> arguments(String script, List<RateBudget> counted) {
        List<String> args = new ArrayList<>(2 + 3 * counted.size());
        args.add(script);
        args.add(Integer.toString(counted.size()));
        counted.forEach(budget -> args.add(budget.bucket()));
        counted.forEach(budget -> {
            args.add(Long.toString(budget.emissionIntervalMicros()));
            args.add(Long.toString(budget.windowMicros()));
        });
        return args;
    }

    private RateDecision decide(List<RateBudget> counted, Response answer) {
        if (answer.get(0).toLong() != 1) {
            return refused(counted, answer);
        }
        int tightest = 0;
        for (int i = 1; i < counted.size(); i++) {
            if (remaining(answer, i) < remaining(answer, tightest)) {
                tightest = i;
            }
        }
        return new RateDecision(true, counted, counted.get(tightest), remaining(answer, tightest),
                micros(answer.get(3 + 2 * tightest)), Duration.ZERO);
    }

    /** Every budget that refused is remembered with its own wait; the answer names the longest. */
    private RateDecision refused(List<RateBudget> counted, Response answer) {
        long now = System.nanoTime();
        RateDecision longest = null;
        for (int i = 0; i < counted.size(); i++) {
            if (remaining(answer, i) >= 0) {
                continue;
            }
            Duration wait = micros(answer.get(3 + 2 * i));
            RateDecision refusal = new RateDecision(false, counted, counted.get(i), 0, wait, wait);
            refusals.remember(refusal, now);
            if (longest == null || wait.compareTo(longest.retryAfter()) > 0) {
                longest = refusal;
            }
        }
        if (longest == null) {
            throw new IllegalStateException("the rate script refused without naming a budget");
        }
        return longest;
    }

    private static long remaining(Response answer, int budget) {
        return answer.get(2 + 2 * budget).toLong();
    }

    private static Duration micros(Response value) {
        return Duration.ofNanos(value.toLong() * 1_000);
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

    private static boolean scriptNotLoaded(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
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
