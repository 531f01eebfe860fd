package io.taskgate.api.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.context.SharedRead;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.model.RedisNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Knows which task types can be run — the configured ones, and those a worker has announced
 * (workers add their types to a Redis set when they start) — and the shape each type's input
 * must have, as its handler declares it in a JSON Schema. The announcements are read at most
 * once per refresh interval, shared by every request meanwhile; a type not seen yet is looked up
 * at once, so a worker's new type is accepted the moment it is announced.
 */
@ApplicationScoped
public class TaskTypeCatalog {

    private static final Logger LOG = Logger.getLogger(TaskTypeCatalog.class);
    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9._-]{0,99}");
    private static final Duration REFRESH = Duration.ofSeconds(5);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** At most this many problems are named in one refusal; the first few say what to fix. */
    private static final int PROBLEMS_NAMED = 3;

    private final ApiConfig config;
    private final ReactiveRedisDataSource redis;
    private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private volatile Announced announced = new Announced(Set.of(), Map.of(), Long.MIN_VALUE);
    private final SharedRead<Announced> reading = new SharedRead<>(this::read);

    /** What workers have announced, with each schema compiled once. */
    private record Announced(Set<String> types, Map<String, JsonSchema> schemas, long readAt) {
    }

    public TaskTypeCatalog(ApiConfig config, ReactiveRedisDataSource redis) {
        this.config = config;
        this.redis = redis;
    }

    public static boolean isWellFormed(String type) {
        return type != null && TYPE_NAME.matcher(type).matches();
    }

    /**
     * Fails with a 400 when no handler is known for the type, or when the input does not have
     * the shape the type's handler declared.
     */
    public Uni<Void> check(String type, JsonNode input) {
        return current().chain(known -> {
            if (known.types().contains(type) || config.tasks().knownTypes().contains(type)) {
                return Uni.createFrom().item(known);
            }
            // Perhaps announced since the last read: look once, and read everything again if so.
            return redis.set(String.class).sismember(RedisNames.HANDLER_TYPES, type)
                    .onFailure().transform(TaskTypeCatalog::unavailable)
                    .chain(found -> {
                        if (!found) {
                            throw ProblemException.badRequest("unknown-type",
                                    "no handler is known for task type '" + type + "'");
                        }
                        return reading.get();
                    });
        }).invoke(known -> fits(type, input, known.schemas().get(type))).replaceWithVoid();
    }

    private static void fits(String type, JsonNode input, JsonSchema schema) {
        if (schema == null) {
            return;
        }
        Set<ValidationMessage> problems = schema.validate(input);
        if (!problems.isEmpty()) {
            String named = problems.stream().limit(PROBLEMS_NAMED).map(ValidationMessage::getMessage)
                    .collect(Collectors.joining("; "));
            throw ProblemException.badRequest("invalid-input", "the input does not fit type '" + type + "': " + named);
        }
    }

    private Uni<Announced> current() {
        Announced known = announced;
        if (System.nanoTime() - known.readAt() < REFRESH.toNanos() && known.readAt() != Long.MIN_VALUE) {
            return Uni.createFrom().item(known);
        }
        return reading.get().onFailure().recoverWithUni(failure -> {
            // Redis away: what was read before still holds; with nothing read yet, say so.
            if (announced.readAt() != Long.MIN_VALUE) {
                return Uni.createFrom().item(announced);
            }
            return Uni.createFrom().failure(unavailable(failure));
        });
    }

    private Uni<Announced> read() {
        long startedAt = System.nanoTime();
        return Uni.combine().all()
                .unis(redis.set(String.class).smembers(RedisNames.HANDLER_TYPES),
                        redis.hash(String.class).hgetall(RedisNames.HANDLER_SCHEMAS))
                .asTuple()
                .map(read -> announced = new Announced(Set.copyOf(read.getItem1()), compiled(read.getItem2()), startedAt));
    }

    /** A schema that cannot be compiled is left out (its type then takes any input) and logged. */
    private Map<String, JsonSchema> compiled(Map<String, String> announcedSchemas) {
        Map<String, JsonSchema> compiled = new HashMap<>();
        Map<String, JsonSchema> before = announced.schemas();
        announcedSchemas.forEach((type, text) -> {
            JsonSchema known = before.get(type);
            if (known != null && known.getSchemaNode().toString().equals(text)) {
                compiled.put(type, known);
                return;
            }
            try {
                compiled.put(type, schemas.getSchema(text));
            } catch (RuntimeException e) {
                LOG.warnf("the input schema announced for type '%s' cannot be used (%s); its input is not checked here",
                        type, e.getMessage());
            }
        });
        return Map.copyOf(compiled);
    }

    private static ProblemException unavailable(Throwable failure) {
        return ProblemException.unavailable("queue-unavailable",
                "the task queue is unavailable; nothing was accepted, try again", RETRY_AFTER, failure);
    }
}
