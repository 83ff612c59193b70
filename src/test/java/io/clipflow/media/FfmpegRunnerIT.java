package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FfmpegRunnerIT {

    private final FfmpegRunner runner = new FfmpegRunner();
    private final FfmpegTools tools = new FfmpegTools(MediaProperties.defaults(), runner);
    private final List<ProcessHandle> seen = new CopyOnWriteArrayList<>();
    private final List<String> seenCommands = new CopyOnWriteArrayList<>();

    /** A real-time encode of a 10-minute source: runs until stopped. */
    private List<String> endlessFfmpeg() {
        return List.of(
                tools.ffmpegPath(),
                "-nostdin",
                "-hide_banner",
                "-v",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=160x120:rate=25:duration=600",
                "-progress",
                "pipe:1",
                "-nostats",
                "-f",
                "null",
                "-");
    }

    /** Remembers this JVM's child processes while the runner reports stdout, i.e. while the child surely runs. */
    private boolean launchedHere(String command) {
        return command.equals(tools.ffmpegPath()) || command.endsWith("/sh") || command.endsWith("/dash");
    }

    private void rememberChildren(String line) {
        if (seen.isEmpty()) {
            // only the process this test started and its own tree: other tests in this JVM have children too
            ProcessHandle.current()
                    .children()
                    .filter(p -> p.info().command().map(this::launchedHere).orElse(false))
                    .forEach(p -> {
                        seenCommands.add(p.info().command().orElse("?"));
                        seen.add(p);
                        p.descendants().forEach(seen::add);
                    });
        }
    }

    @Test
    void streamsStdoutLinesWhileTheProcessRuns() {
        List<String> lines = new CopyOnWriteArrayList<>();

        ProcessResult result =
                runner.run(List.of(tools.ffmpegPath(), "-hide_banner", "-version"), Duration.ofSeconds(10), lines::add);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.timedOut()).isFalse();
        assertThat(lines.get(0)).startsWith("ffmpeg version ");
    }

    @Test
    void stopsALongJobAtTheTimeoutAndLeavesNoProcess() {
        ProcessResult result = runner.run(endlessFfmpeg(), Duration.ofMillis(1500), this::rememberChildren);

        assertThat(result.timedOut()).isTrue();
        assertThat(result.succeeded()).isFalse();
        assertThat(result.elapsed()).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(8));
        assertThat(seenCommands).contains(tools.ffmpegPath());
        assertThat(seen).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void killsGrandchildrenThatWouldKeepTheOutputOpen() {
        // a shell only to get a process tree: the background sleep inherits stdout and would block the reader
        List<String> tree = List.of("/bin/sh", "-c", "sleep 300 & echo started; sleep 301");

        ProcessResult result = runner.run(tree, Duration.ofMillis(500), this::rememberChildren);

        assertThat(result.timedOut()).isTrue();
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(8));
        assertThat(seen).hasSizeGreaterThanOrEqualTo(2).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void stopsTheProcessWhenTheCallerIsInterrupted() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                runner.run(endlessFfmpeg(), Duration.ofMinutes(1), this::rememberChildren);
            } catch (RuntimeException e) {
                thrown.set(e);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());

        caller.interrupt();
        caller.join(Duration.ofSeconds(10).toMillis());

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(MediaException.class).hasMessageContaining("interrupted");
        assertThat(flagKept).isTrue();
        assertThat(seen).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void keepsTheTailOfStandardError() {
        ProcessResult result = runner.run(
                List.of(tools.ffmpegPath(), "-hide_banner", "-v", "error", "-i", "file:/nonexistent/input.mp4"),
                Duration.ofSeconds(10),
                line -> {});

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderrTail()).contains("No such file or directory");
    }
}
