package io.taskgate.api.task;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.model.TaskView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The latest view of each task this instance read or was told about moments ago, so a client
 * that polls one task again and again is answered without PostgreSQL.
 *
 * <p>Views come from two sides: the database reads of polls, and the changes announced on the
 * event channel (by workers and by api instances) for tasks already held here. Of two views of a
 * task the one with the higher {@code seq} wins, whichever arrives last, so a slow read can never
 * replace a newer announced change. Each entry expires {@code fresh-for} after it was last
 * stored: a change whose announcement was lost is seen by pollers at most that much later.
 */
@ApplicationScoped
public class RecentViews {

    private final Cache<UUID, TaskView> views;
    private final boolean enabled;

    @Inject
    public RecentViews(ApiConfig config) {
        this(config.tasks().viewCache().freshFor(), config.tasks().viewCache().maxEntries());
    }

    RecentViews(Duration freshFor, int maxEntries) {
        this.enabled = !freshFor.isZero() && maxEntries > 0;
        this.views = Caffeine.newBuilder()
                .maximumSize(enabled ? maxEntries : 0)
                .expireAfterWrite(enabled ? freshFor : Duration.ofNanos(1))
                .build();
    }

    /** The held view of a task, if it is fresh and belongs to {@code tenantId}. */
    public Optional<TaskView> find(UUID id, String tenantId) {
        if (!enabled) {
            return Optional.empty();
        }
        TaskView view = views.getIfPresent(id);
        return view != null && view.tenantId().equals(tenantId) ? Optional.of(view) : Optional.empty();
    }

    /** A view just read from the database; kept unless a newer one is already held. */
    public void read(TaskView view) {
        if (enabled) {
            views.asMap().merge(view.id(), view, RecentViews::newer);
        }
    }

    /** An announced change; it replaces a held view of the same task, and is dropped otherwise. */
    public void changed(TaskView view) {
        if (enabled && view != null) {
            views.asMap().computeIfPresent(view.id(), (id, held) -> newer(held, view));
        }
    }

    /** Whether a view of the task is held, so that announcements about it are worth reading. */
    public boolean holds(UUID id) {
        return enabled && views.asMap().containsKey(id);
    }

    private static TaskView newer(TaskView held, TaskView offered) {
        return offered.seq() >= held.seq() ? offered : held;
    }
}
