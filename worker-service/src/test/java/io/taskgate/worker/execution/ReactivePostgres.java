package io.taskgate.worker.execution;

import io.taskgate.local.PostgresServer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;

/** A real PostgreSQL server of a test class's own, with a Vert.x and a small reactive pool on it. */
final class ReactivePostgres implements AutoCloseable {

    private final PostgresServer server;
    private final Vertx vertx;
    private final Pool pool;

    private ReactivePostgres(PostgresServer server, Vertx vertx, Pool pool) {
        this.server = server;
        this.vertx = vertx;
        this.pool = pool;
    }

    static ReactivePostgres start(String name) throws Exception {
        PostgresServer server = PostgresServer.start(Files.createTempDirectory("taskgate-" + name).resolve("postgres"), 0);
        Vertx vertx = Vertx.vertx();
        Pool pool = PgPool.pool(vertx, PgConnectOptions.fromUri(server.reactiveUrl()).setUser(PostgresServer.USER),
                new PoolOptions().setMaxSize(4));
        return new ReactivePostgres(server, vertx, pool);
    }

    Vertx vertx() {
        return vertx;
    }

    Pool pool() {
        return pool;
    }

    @Override
    public void close() throws Exception {
        pool.closeAndAwait();
        vertx.closeAndAwait();
        server.close();
    }
}
