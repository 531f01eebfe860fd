package io.taskgate.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real PostgreSQL: which executions share a transaction, and what one failure does. */
class GroupedStatementsTest {

    // txid_current() tells which transaction ran each execution.
    private static final String INSERT = "INSERT INTO numbers (n) VALUES ($1::text::int) RETURNING n, txid_current() AS tx";

    private static ReactivePostgres postgres;
    private static Vertx vertx;
    private static Pool pool;

    @BeforeAll
    static void start() throws Exception {
        postgres = ReactivePostgres.start("grouped");
        vertx = postgres.vertx();
        pool = postgres.pool();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void emptyTable() {
        pool.query("DROP TABLE IF EXISTS numbers").executeAndAwait();
        pool.query("CREATE TABLE numbers (n int PRIMARY KEY)").executeAndAwait();
    }

    @Test
    void executionsThatQueueWhileABatchIsOutLeaveTogetherInOneTransaction() throws Exception {
        GroupedStatements grouped = new GroupedStatements(pool, 64, 1);

        List<Answer> answers = runTogether(grouped, values(50));

        assertThat(answers).allSatisfy(answer -> assertThat(answer.failure()).isNull());
        // The first leaves alone at once (a slot was free); the 49 queued behind it share one batch.
        assertThat(transactions(answers)).hasSize(2);
        assertThat(count()).isEqualTo(50);
    }

    @Test
    void aFullBatchLeavesAndTheRestFormTheNext() throws Exception {
        GroupedStatements grouped = new GroupedStatements(pool, 20, 1);

        List<Answer> answers = runTogether(grouped, values(50));

        // 1 alone, then 20, 20 and 9.
        assertThat(transactions(answers)).hasSize(4);
        assertThat(count()).isEqualTo(50);
    }

    @Test
    void atLowLoadEachExecutionLeavesAloneWithoutWaiting() throws Exception {
        GroupedStatements grouped = new GroupedStatements(pool, 64, 1);
        List<Answer> answers = new ArrayList<>();

        for (String value : values(5)) {
            answers.addAll(runTogether(grouped, List.of(value)));
        }

        assertThat(transactions(answers)).hasSize(5);
    }

    @Test
    void batchSizeOneSendsEveryExecutionAlone() throws Exception {
        GroupedStatements grouped = new GroupedStatements(pool, 1, 1);

        List<Answer> answers = runTogether(grouped, values(20));

        assertThat(transactions(answers)).hasSize(20);
    }

    @Test
    void aFailingExecutionFailsAloneAndItsNeighboursInTheBatchApply() throws Exception {
        GroupedStatements grouped = new GroupedStatements(pool, 64, 1);
        List<String> values = new ArrayList<>(values(30));
        values.set(17, "not a number");

        List<Answer> answers = runTogether(grouped, values);

        assertThat(answers.get(17).failure()).hasMessageContaining("invalid input syntax");
        List<Answer> others = new ArrayList<>(answers);
        others.remove(17);
        assertThat(others).allSatisfy(answer -> assertThat(answer.failure()).isNull());
        assertThat(count()).isEqualTo(29);
    }

    @Test
    void executionsThatMatchNoRowGetAnEmptyAnswerInTheirPlace() throws Exception {
        runTogether(new GroupedStatements(pool, 64, 1), List.of("0", "2", "4"));
        GroupedStatements grouped = new GroupedStatements(pool, 64, 1);
        String touch = "UPDATE numbers SET n = n WHERE n = $1::text::int RETURNING n, txid_current() AS tx";
        List<CompletableFuture<Integer>> matched = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            matched.add(new CompletableFuture<>());
        }
        vertx.getDelegate().getOrCreateContext().runOnContext(ignored -> {
            for (int i = 0; i < 6; i++) {
                CompletableFuture<Integer> rows = matched.get(i);
                grouped.execute(touch, Tuple.of(String.valueOf(i))).subscribe().with(
                        answer -> rows.complete(answer.size()), rows::completeExceptionally);
            }
        });
        List<Integer> sizes = new ArrayList<>();
        for (CompletableFuture<Integer> rows : matched) {
            sizes.add(rows.get(10, TimeUnit.SECONDS));
        }
        // A change that does not apply (the task moved on) answers no row, and only for itself.
        assertThat(sizes).containsExactly(1, 0, 1, 0, 1, 0);
    }

    @Test
    void answersComeBackOnTheCallersContextThoughAnotherCallersBatchCarriedThem() throws Exception {
        GroupedStatements grouped = new GroupedStatements(pool, 64, 1);
        String sleep = "SELECT pg_sleep($1::text::float8)";
        // The only slot is taken by a slow execution, so the ten below queue and leave together
        // when it returns, on its context, not theirs.
        CompletableFuture<Void> slow = new CompletableFuture<>();
        newContext().runOnContext(ignored ->
                grouped.execute(sleep, Tuple.of("0.5")).subscribe().with(rows -> slow.complete(null), slow::completeExceptionally));
        Thread.sleep(100);
        Set<Boolean> onCaller = ConcurrentHashMap.newKeySet();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(10);
        for (int i = 0; i < 10; i++) {
            Context caller = newContext();
            caller.runOnContext(ignored -> grouped.execute(sleep, Tuple.of("0")).subscribe().with(rows -> {
                onCaller.add(io.vertx.core.Vertx.currentContext() == caller);
                if (left.decrementAndGet() == 0) {
                    done.complete(null);
                }
            }, done::completeExceptionally));
        }
        slow.get(10, TimeUnit.SECONDS);
        done.get(10, TimeUnit.SECONDS);
        assertThat(onCaller).containsExactly(true);
    }

    /** A context of its own, as each task attempt has. */
    private static Context newContext() {
        return VertxContext.createNewDuplicatedContext(vertx.getDelegate().getOrCreateContext());
    }

    private record Answer(Long transaction, Throwable failure) {
    }

    /** Hands all executions to {@code grouped} from one event-loop turn, so they are concurrent. */
    private static List<Answer> runTogether(GroupedStatements grouped, List<String> values) throws Exception {
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        values.forEach(value -> answers.add(new CompletableFuture<>()));
        vertx.getDelegate().getOrCreateContext().runOnContext(ignored -> {
            for (int i = 0; i < values.size(); i++) {
                CompletableFuture<Answer> answer = answers.get(i);
                grouped.execute(INSERT, Tuple.of(values.get(i))).subscribe().with(
                        rows -> answer.complete(new Answer(transactionOf(rows), null)),
                        failure -> answer.complete(new Answer(null, failure)));
            }
        });
        List<Answer> results = new ArrayList<>();
        for (CompletableFuture<Answer> answer : answers) {
            results.add(answer.get(10, TimeUnit.SECONDS));
        }
        return results;
    }

    private static Long transactionOf(RowSet<Row> rows) {
        return rows.iterator().next().getLong("tx");
    }

    private static Set<Long> transactions(List<Answer> answers) {
        Set<Long> transactions = ConcurrentHashMap.newKeySet();
        answers.forEach(answer -> transactions.add(answer.transaction()));
        return transactions;
    }

    private static List<String> values(int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(String.valueOf(i));
        }
        return values;
    }

    private static long count() {
        return pool.query("SELECT count(*) FROM numbers").executeAndAwait().iterator().next().getLong(0);
    }
}
