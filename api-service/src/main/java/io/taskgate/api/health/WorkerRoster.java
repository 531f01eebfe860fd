package io.taskgate.api.health;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.model.health.WorkerReport;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The fleet as its reports tell it at one moment: a worker whose report is younger than its own
 * {@code goneAfterSeconds} is alive, an older one is gone, and one gone for longer than
 * {@code forgetAfter} (or whose report cannot be read) is to be removed.
 */
final class WorkerRoster {

    /** One worker as listed: its last report, whether it is alive, and how long ago it reported. */
    record Member(String state, long lastSeenSecondsAgo, WorkerReport report) {
    }

    /** The members, alive ones first, and the fields of the hash that should go. */
    record Roster(List<Member> members, List<String> forgotten) {

        long count(String state) {
            return members.stream().filter(member -> member.state().equals(state)).count();
        }
    }

    static final String ALIVE = "alive";
    static final String GONE = "gone";

    private WorkerRoster() {
    }

    static Roster of(Map<String, String> reports, Instant now, Duration forgetAfter, ObjectMapper json) {
        List<Member> members = new ArrayList<>();
        List<String> forgotten = new ArrayList<>();
        reports.forEach((worker, text) -> {
            WorkerReport report = parse(text, json);
            if (report == null) {
                forgotten.add(worker);
                return;
            }
            Duration age = Duration.between(reportedAt(report), now);
            Duration goneAfter = Duration.ofSeconds(report.goneAfterSeconds());
            if (age.compareTo(goneAfter.plus(forgetAfter)) > 0) {
                forgotten.add(worker);
                return;
            }
            String state = age.compareTo(goneAfter) > 0 ? GONE : ALIVE;
            members.add(new Member(state, Math.max(0, age.toSeconds()), report));
        });
        members.sort(Comparator.comparing((Member member) -> !member.state().equals(ALIVE))
                .thenComparing(member -> member.report().id()));
        return new Roster(members, forgotten);
    }

    private static Instant reportedAt(WorkerReport report) {
        try {
            return Instant.parse(report.reportedAt());
        } catch (DateTimeParseException | NullPointerException unreadable) {
            return Instant.EPOCH;
        }
    }

    /**
     * Fields this api does not know are skipped, not refused (the api's mapper refuses them in
     * requests): during a rolling upgrade newer workers report more than older apis read.
     */
    private static WorkerReport parse(String text, ObjectMapper json) {
        try {
            return text == null ? null : json.readerFor(WorkerReport.class)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(text);
        } catch (Exception unreadable) {
            return null;
        }
    }
}
