package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A task's process scope: what its supervisor's stops reach. */
class RunningProcessesIT {

    private final RunningProcesses processes = new RunningProcesses();
    private final FfmpegRunner runner = new FfmpegRunner(processes);
    private final FfmpegTools tools = new FfmpegTools(MediaProperties.defaults(), runner);

    private List<String> endlessFfmpeg(String marker) {
        return List.of(
                tools.ffmpegPath(),
                "-nostdin",
                "-v",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=64x48:rate=10:duration=600",
                "-metadata",
                "title=" + marker,
                "-f",
                "null",
                "-");
    }

    private static List<ProcessHandle> processesWith(String marker) {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains("title=" + marker))
                        .orElse(false))
                .toList();
    }

    @Test
    void aStopThatLandsBeforeAStageStartsEndsThatStageAtOnce() {
        try (RunningProcesses.Scope task = processes.open()) {
            assertThat(task.terminate()).as("nothing was running").isFalse();

            ProcessResult next = runner.run(endlessFfmpeg("late-" + System.nanoTime()), Duration.ofMinutes(1), l -> {});

            assertThat(next.timedOut()).isFalse();
            assertThat(next.succeeded()).isFalse();
            assertThat(next.elapsed()).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void killReachesTheWholeTreeOfTheProcessRunningNow() throws Exception {
        String marker = "tree-" + System.nanoTime();
        CompletableFuture<RunningProcesses.Scope> scope = new CompletableFuture<>();
        List<ProcessHandle> tree = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<ProcessResult> run = CompletableFuture.supplyAsync(() -> {
            try (RunningProcesses.Scope task = processes.open()) {
                scope.complete(task);
                // a shell only to get a process tree; the marker is its $0, so the test finds its own tree
                return runner.run(
                        List.of("/bin/sh", "-c", "sleep 300 & echo started; sleep 301", marker),
                        Duration.ofMinutes(1),
                        line -> ProcessHandle.current()
                                .descendants()
                                .filter(p -> p.info()
                                        .arguments()
                                        .map(a -> List.of(a).contains(marker))
                                        .orElse(false))
                                .forEach(shell -> {
                                    tree.add(shell);
                                    shell.descendants().forEach(tree::add);
                                }));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> tree.size() >= 2);

        assertThat(scope.get(5, TimeUnit.SECONDS).kill()).isTrue();

        assertThat(run.get(15, TimeUnit.SECONDS).exitCode()).isEqualTo(137);
        await().atMost(Duration.ofSeconds(5)).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void aClosedScopeIgnoresLateStopsAndTheThreadsNextTaskRunsFreely() {
        RunningProcesses.Scope first = processes.open();
        first.close();
        assertThat(first.kill()).isFalse();

        try (RunningProcesses.Scope second = processes.open()) {
            ProcessResult result = runner.run(
                    List.of(tools.ffmpegPath(), "-hide_banner", "-version"), Duration.ofSeconds(10), l -> {});
            assertThat(result.succeeded()).isTrue();
        }
    }

    @Test
    void aProcessOutsideEveryTaskIsNoScopesBusiness() {
        RunningProcesses.Scope other =
                CompletableFuture.supplyAsync(processes::open).join();
        other.kill();

        ProcessResult result =
                runner.run(List.of(tools.ffmpegPath(), "-hide_banner", "-version"), Duration.ofSeconds(10), l -> {});

        assertThat(result.succeeded()).isTrue();
        other.close();
    }
}
