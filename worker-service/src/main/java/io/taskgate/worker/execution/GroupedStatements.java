package io.taskgate.worker.execution;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.Batcher;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Runs statements so that concurrent executions of the same statement share a round trip and a
 * commit: they leave as one {@code executeBatch}, which PostgreSQL runs as one implicit
 * transaction, so a hundred tasks finishing together wait for one WAL flush, not a hundred.
 * Batches form by themselves (see {@link Batcher}): alone at low load, grouped under load.
 *
 * <p>One failing execution aborts its whole batch and nothing of it is applied; the batch is
 * then run again one statement at a time, so a bad row fails alone and its neighbours apply.
 */
final class GroupedStatements {

    /** One execution's answer, or why it failed. */
    private record Answer(RowSet<Row> rows, Throwable failure) {
    }

    private final Pool pool;
    private final int batchSize;
    private final int batchesInFlight;
    private final Map<String, Batcher<Tuple, Answer>> bySql = new ConcurrentHashMap<>();

    GroupedStatements(Pool pool, int batchSize, int batchesInFlight) {
        this.pool = pool;
        this.batchSize = batchSize;
        this.batchesInFlight = batchesInFlight;
    }

    /** Executes {@code sql} with {@code parameters}; the answer comes back on the caller's Vert.x context. */
    Uni<RowSet<Row>> execute(String sql, Tuple parameters) {
        Context caller = Vertx.currentContext();
        Uni<RowSet<Row>> rows = bySql.computeIfAbsent(sql, this::batcherFor).add(parameters)
                .chain(answer -> answer.failure() == null
                        ? Uni.createFrom().item(answer.rows())
                        : Uni.createFrom().failure(answer.failure()));
        if (caller == null) {
            return rows;
        }
        Executor onCaller = command -> caller.runOnContext(ignored -> command.run());
        return rows.emitOn(onCaller);
    }

    private Batcher<Tuple, Answer> batcherFor(String sql) {
        return new Batcher<>(batchSize, batchesInFlight, batch -> flush(sql, batch));
    }

    private Uni<List<Answer>> flush(String sql, List<Tuple> batch) {
        if (batch.size() == 1) {
            return alone(sql, batch.get(0)).map(List::of);
        }
        return pool.preparedQuery(sql).executeBatch(batch)
                .map(first -> split(first, batch.size()))
                .onFailure().recoverWithUni(failure -> oneByOne(sql, batch));
    }

    /** executeBatch answers a chain of row sets, one per execution, in order. */
    private static List<Answer> split(RowSet<Row> first, int expected) {
        List<Answer> answers = new ArrayList<>(expected);
        for (RowSet<Row> rows = first; rows != null; rows = rows.next()) {
            answers.add(new Answer(rows, null));
        }
        return answers;
    }

    private Uni<List<Answer>> oneByOne(String sql, List<Tuple> batch) {
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(parameters -> alone(sql, parameters))
                .collect().asList();
    }

    private Uni<Answer> alone(String sql, Tuple parameters) {
        return pool.preparedQuery(sql).execute(parameters)
                .map(rows -> new Answer(rows, null))
                .onFailure().recoverWithItem(failure -> new Answer(null, failure));
    }
}
