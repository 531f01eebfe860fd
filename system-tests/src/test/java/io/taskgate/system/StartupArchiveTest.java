package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgate.local.ServiceProcess;
import io.taskgate.local.StartupArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up archive: the first start of a build records it beside the jar, later starts map
 * it into the JVM, and a rebuilt jar, a crashed recording run or another Java version never
 * leave a later start mapping an archive that does not belong to it.
 */
class StartupArchiveTest {

    @Test
    void theFirstStartRecordsTheArchiveAndTheNextOneMapsIt() throws Exception {
        try (RunningSystem system = RunningSystem.start("startup-archive")) {
            StartupArchive archive = apiArchiveRemoved(system);
            system.stack().useStartupArchives(true);
            ServiceProcess first = system.startApi("api-recording").process();
            assertThat(mapped(first, archive.path())).as("nothing to map yet").isFalse();
            first.stop(Duration.ofSeconds(60));
            assertThat(archive.isCurrent()).as("recorded when the first run ended").isTrue();
            assertThat(recordingsBeside(archive)).as("no recording left behind").isEmpty();

            TaskgateClient second = system.startApi("api-mapping");
            assertThat(mapped(second.process(), archive.path())).as("the JVM mapped the archive").isTrue();
            assertThat(second.submit("echo", "{\"message\":\"from an archived start\"}").get("id").asText()).isNotBlank();
        }
    }

    @Test
    void aServiceThatStopsAtStartUpLeavesNoRecordingBehind() throws Exception {
        try (RunningSystem system = RunningSystem.start("startup-archive-bad-setting")) {
            StartupArchive archive = apiArchiveRemoved(system);
            system.stack().useStartupArchives(true);
            assertThatThrownBy(() -> system.stack().startApi("api-bad-setting", 0,
                    Map.of("taskgate.api.tasks.max-page-size", "0")))
                    .hasMessageContaining("exited");
            assertThat(archive.path()).doesNotExist();
            assertThat(recordingsBeside(archive)).isEmpty();
        }
    }

    @Test
    void aRunThatDoesNotEndCleanlyLeavesNoArchive(@TempDir Path quarkusApp) throws Exception {
        Path runJar = Files.writeString(quarkusApp.resolve("quarkus-run.jar"), "jar");
        StartupArchive archive = StartupArchive.forJar(runJar, "17.0.15").orElseThrow();
        StartupArchive.Launch launch = archive.nextLaunch();
        assertThat(launch.records()).isTrue();
        Path recording = recordingOf(launch);
        Files.writeString(recording, "half an archive");

        launch.finish(false);

        assertThat(recording).doesNotExist();
        assertThat(archive.path()).doesNotExist();
        assertThat(archive.nextLaunch().records()).as("the next start records again").isTrue();
    }

    @Test
    void aRebuiltJarMakesTheArchiveStale(@TempDir Path quarkusApp) throws Exception {
        Path runJar = Files.writeString(quarkusApp.resolve("quarkus-run.jar"), "jar");
        StartupArchive archive = StartupArchive.forJar(runJar, "17.0.15").orElseThrow();
        StartupArchive.Launch launch = archive.nextLaunch();
        Files.writeString(recordingOf(launch), "an archive");
        launch.finish(true);
        assertThat(archive.isCurrent()).isTrue();
        assertThat(archive.nextLaunch().jvmOptions()).containsExactly("-XX:SharedArchiveFile=" + archive.path());

        Files.setLastModifiedTime(runJar, FileTime.from(Instant.now().plusSeconds(60)));

        assertThat(archive.isCurrent()).isFalse();
        assertThat(archive.nextLaunch().records()).isTrue();
    }

    @Test
    void eachJavaVersionHasAnArchiveOfItsOwnKind(@TempDir Path quarkusApp) {
        Path runJar = quarkusApp.resolve("quarkus-run.jar");
        StartupArchive java17 = StartupArchive.forJar(runJar, "17.0.15").orElseThrow();
        StartupArchive java25 = StartupArchive.forJar(runJar, "25.0.3").orElseThrow();

        assertThat(java17.path()).isNotEqualTo(java25.path());
        assertThat(java17.nextLaunch().jvmOptions()).singleElement().asString().startsWith("-XX:ArchiveClassesAtExit=");
        assertThat(java25.nextLaunch().jvmOptions()).singleElement().asString().startsWith("-XX:AOTCacheOutput=");
        assertThat(StartupArchive.forJar(runJar, "11.0.2")).as("no dynamic archive before 17").isEmpty();
        assertThat(StartupArchive.forJar(runJar, quarkusApp)).as("no release file to read").isEmpty();
    }

    /** The api's archive, deleted so that the next start records one. */
    private static StartupArchive apiArchiveRemoved(RunningSystem system) throws Exception {
        StartupArchive archive = system.stack().startupArchive("api-service").orElseThrow();
        archive.delete();
        return archive;
    }

    private static List<Path> recordingsBeside(StartupArchive archive) throws Exception {
        try (Stream<Path> beside = Files.list(archive.path().getParent())) {
            return beside.filter(file -> file.getFileName().toString().contains(".recording-")).toList();
        }
    }

    private static Path recordingOf(StartupArchive.Launch launch) {
        String option = launch.jvmOptions().get(0);
        return Path.of(option.substring(option.indexOf('=') + 1));
    }

    /** Whether the archive is among the files the process has mapped into its memory. */
    private static boolean mapped(ServiceProcess process, Path archive) throws Exception {
        return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "maps")).stream()
                .anyMatch(line -> line.endsWith(archive.toString()));
    }
}
