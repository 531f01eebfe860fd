package io.taskgate.api.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskView;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecentViewsTest {

    private static final UUID ID = UUID.randomUUID();

    private static TaskView view(TaskStatus status, long seq) {
        return new TaskView(ID, "acme", "echo", status, null, null, null, 1, seq, Instant.EPOCH, null, null);
    }

    private final RecentViews views = new RecentViews(Duration.ofMinutes(1), 100);

    @Test
    void aReadViewAnswersLaterPollsOfItsOwnTenantOnly() {
        views.read(view(TaskStatus.QUEUED, 1));

        assertThat(views.find(ID, "acme")).map(TaskView::status).contains(TaskStatus.QUEUED);
        assertThat(views.find(ID, "other-tenant")).isEmpty();
        assertThat(views.find(UUID.randomUUID(), "acme")).isEmpty();
    }

    @Test
    void anAnnouncedChangeReplacesAHeldViewButAnOlderOneDoesNot() {
        views.read(view(TaskStatus.QUEUED, 1));
        views.changed(view(TaskStatus.SUCCEEDED, 3));
        views.changed(view(TaskStatus.RUNNING, 2));

        assertThat(views.find(ID, "acme")).map(TaskView::seq).contains(3L);
    }

    @Test
    void aSlowReadCannotReplaceANewerAnnouncedChange() {
        views.read(view(TaskStatus.QUEUED, 1));
        views.changed(view(TaskStatus.RUNNING, 2));
        views.read(view(TaskStatus.QUEUED, 1));

        assertThat(views.find(ID, "acme")).map(TaskView::status).contains(TaskStatus.RUNNING);
    }

    @Test
    void changesOfTasksNobodyPollsAreNotKept() {
        views.changed(view(TaskStatus.RUNNING, 2));

        assertThat(views.holds(ID)).isFalse();
        assertThat(views.find(ID, "acme")).isEmpty();
    }

    @Test
    void aHeldViewExpires() throws InterruptedException {
        RecentViews brief = new RecentViews(Duration.ofMillis(20), 100);
        brief.read(view(TaskStatus.QUEUED, 1));
        Thread.sleep(60);

        assertThat(brief.find(ID, "acme")).isEmpty();
    }

    @Test
    void aFreshnessOfZeroTurnsTheCacheOff() {
        RecentViews off = new RecentViews(Duration.ZERO, 100);
        off.read(view(TaskStatus.QUEUED, 1));

        assertThat(off.find(ID, "acme")).isEmpty();
        assertThat(off.holds(ID)).isFalse();
    }
}
