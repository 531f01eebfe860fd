package io.taskgate.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.api.health.WorkerRoster.Member;
import io.taskgate.api.health.WorkerRoster.Roster;
import io.taskgate.model.health.WorkerReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerRosterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    @Test
    void aWorkerIsGoneOnceItsReportIsOlderThanItGaveItselfAndForgottenLater() throws Exception {
        Map<String, String> reports = new LinkedHashMap<>();
        reports.put("w-alive", report("w-alive", NOW.minusSeconds(14), 15));
        reports.put("w-gone", report("w-gone", NOW.minusSeconds(16), 15));
        reports.put("w-long-gone", report("w-long-gone", NOW.minusSeconds(15 + 601), 15));

        Roster roster = WorkerRoster.of(reports, NOW, FORGET_AFTER, JSON);

        assertThat(roster.members()).extracting(member -> member.report().id() + ":" + member.state())
                .containsExactly("w-alive:alive", "w-gone:gone");
        assertThat(roster.members()).extracting(Member::lastSeenSecondsAgo).containsExactly(14L, 16L);
        assertThat(roster.forgotten()).containsExactly("w-long-gone");
        assertThat(roster.count(WorkerRoster.ALIVE)).isEqualTo(1);
        assertThat(roster.count(WorkerRoster.GONE)).isEqualTo(1);
    }

    @Test
    void aliveWorkersComeFirstThenByName() throws Exception {
        Map<String, String> reports = Map.of(
                "b", report("b", NOW, 15),
                "a-gone", report("a-gone", NOW.minusSeconds(60), 15),
                "a", report("a", NOW, 15));

        assertThat(WorkerRoster.of(reports, NOW, FORGET_AFTER, JSON).members())
                .extracting(member -> member.report().id()).containsExactly("a", "b", "a-gone");
    }

    @Test
    void aReportWithFieldsThisApiDoesNotKnowIsStillRead() throws Exception {
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        String newer = report("w-newer", NOW, 15).replaceFirst("\\{", "{\"addedLater\":1,");

        Roster roster = WorkerRoster.of(Map.of("w-newer", newer), NOW, FORGET_AFTER, strict);

        assertThat(roster.members()).extracting(member -> member.report().id()).containsExactly("w-newer");
    }

    @Test
    void anUnreadableReportIsForgottenNotListed() {
        Roster roster = WorkerRoster.of(Map.of("junk", "{not json"), NOW, FORGET_AFTER, JSON);

        assertThat(roster.members()).isEmpty();
        assertThat(roster.forgotten()).containsExactly("junk");
    }

    private static String report(String id, Instant reportedAt, long goneAfterSeconds) throws Exception {
        return JSON.writeValueAsString(new WorkerReport(id, "host", "1.0", NOW.minusSeconds(3600).toString(),
                reportedAt.toString(), goneAfterSeconds, 256, 0, 0, 0, List.of("echo"), null, List.of(), 300, List.of()));
    }
}
