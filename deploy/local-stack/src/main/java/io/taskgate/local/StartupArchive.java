package io.taskgate.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A class-data archive kept beside a service's jar: recorded by the first run of that build on
 * that JVM and mapped by every later run, so the JVM starts from classes it already parsed and
 * verified (and, on Java 25 and later, loaded, linked and profiled) instead of reading some
 * 15,000 of them from jars again.
 *
 * <p>On Java 25 and later the archive is an AOT cache ({@code -XX:AOTCacheOutput} to record,
 * {@code -XX:AOTCache} to use); on Java 17 to 24 a dynamic CDS archive
 * ({@code -XX:ArchiveClassesAtExit}, {@code -XX:SharedArchiveFile}). Both cover only classes
 * loaded from the class path, which is why the services are packaged as {@code aot-jar}.
 *
 * <p>The archive's name carries the exact Java version, and an archive older than the jar it
 * was recorded from is recorded again: a JVM refuses an archive made by another build or
 * another JVM, and would otherwise start slowly every time without saying so loudly. A run
 * records into a file of its own, which becomes the archive only when the run ends cleanly, so
 * that two first runs at once, or one killed while writing, never leave a torn archive.
 */
public final class StartupArchive {

    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"([^\"]+)\"");
    private static final Pattern FEATURE = Pattern.compile("^(\\d+)");

    private final Path runJar;
    private final Path archive;
    private final boolean aotCache;

    private StartupArchive(Path runJar, Path archive, boolean aotCache) {
        this.runJar = runJar;
        this.archive = archive;
        this.aotCache = aotCache;
    }

    /**
     * The archive for {@code runJar} started by the JVM of {@code javaHome}, or empty when that
     * JVM's version cannot be read (its {@code release} file) or it is older than 17.
     */
    public static Optional<StartupArchive> forJar(Path runJar, Path javaHome) {
        return javaVersion(javaHome).flatMap(version -> forJar(runJar, version));
    }

    /** The archive for {@code runJar} started by a JVM of {@code javaVersion} ("17.0.15", "25.0.3"). */
    public static Optional<StartupArchive> forJar(Path runJar, String javaVersion) {
        int feature = featureOf(javaVersion);
        if (feature < 17) {
            return Optional.empty();
        }
        boolean aotCache = feature >= 25;
        String name = "startup-java-" + javaVersion.replaceAll("[^A-Za-z0-9.]", "_") + (aotCache ? ".aot" : ".jsa");
        return Optional.of(new StartupArchive(runJar, runJar.resolveSibling(name), aotCache));
    }

    static Optional<String> javaVersion(Path javaHome) {
        try {
            Matcher found = RELEASE_VERSION.matcher(Files.readString(javaHome.resolve("release")));
            return found.find() ? Optional.of(found.group(1)) : Optional.empty();
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    static int featureOf(String javaVersion) {
        Matcher leading = FEATURE.matcher(javaVersion);
        return leading.find() ? Integer.parseInt(leading.group(1)) : 0;
    }

    public Path path() {
        return archive;
    }

    /** Removes the archive, so that the next start records a new one. */
    public void delete() throws IOException {
        Files.deleteIfExists(archive);
    }

    /** Whether an archive recorded from the current build of the jar is there to be used. */
    public boolean isCurrent() {
        try {
            return Files.isRegularFile(archive) && Files.size(archive) > 0
                    && !Files.getLastModifiedTime(archive).toInstant()
                            .isBefore(Files.getLastModifiedTime(runJar).toInstant());
        } catch (IOException unreadable) {
            return false;
        }
    }

    /** How the next start uses this archive: maps it if current, otherwise records a new one. */
    public Launch nextLaunch() {
        if (isCurrent()) {
            return new Launch(List.of((aotCache ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive), null);
        }
        Path recording = archive.resolveSibling(archive.getFileName() + ".recording-" + UUID.randomUUID());
        return new Launch(List.of((aotCache ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + recording),
                recording);
    }

    /**
     * The JVM options of one start, and the file it records into (null when it maps an archive
     * instead). {@link #finish} after the process has exited.
     */
    public final class Launch {
        private final List<String> jvmOptions;
        private final Path recording;

        private Launch(List<String> jvmOptions, Path recording) {
            this.jvmOptions = jvmOptions;
            this.recording = recording;
        }

        public List<String> jvmOptions() {
            return jvmOptions;
        }

        public boolean records() {
            return recording != null;
        }

        /**
         * Makes the recording the archive if the process ended cleanly and no other run got
         * there first; otherwise throws the recording away.
         */
        public void finish(boolean endedCleanly) throws IOException {
            if (recording == null) {
                return;
            }
            try {
                // Two first runs that end together both move here; either archive serves.
                if (endedCleanly && Files.isRegularFile(recording) && Files.size(recording) > 0 && !isCurrent()) {
                    Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(recording);
            }
        }
    }
}
