package io.clipflow.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clipflow.media.FfmpegRunner;
import io.clipflow.media.FfmpegTools;
import io.clipflow.media.MediaProperties;
import io.clipflow.media.RunningProcesses;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.component.exec.ExecBinding;
import org.apache.camel.component.exec.ExecException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exec steps' command executor: camel-exec's contract, and a process that the task's supervisor can reach. */
class FfmpegExecutorIT {

    private final RunningProcesses processes = new RunningProcesses();
    private final FfmpegRunner runner = new FfmpegRunner(processes);
    private final FfmpegTools tools = new FfmpegTools(MediaProperties.defaults(), runner);
    private final ExecSteps steps = new ExecSteps(runner);

    @AfterEach
    void stopCamel() {
        steps.close();
    }

    /** A real-time encode of a 10-minute source: runs until stopped. */
    private List<String> endlessFfmpeg(String marker) {
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

    private Exchange send(String options, List<String> argv, Object body) {
        String program = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
        return steps.send("exec:" + program + "?commandExecutor=#ffmpegExecutor" + options, e -> {
            e.getIn().setHeader(ExecBinding.EXEC_COMMAND_EXECUTABLE, argv.get(0));
            e.getIn().setHeader(ExecBinding.EXEC_COMMAND_ARGS, argv.subList(1, argv.size()));
            e.getIn().setBody(body);
        });
    }

    @Test
    void leavesStdoutAsTheBodyAndTheExitValueAsAHeader() {
        Exchange exchange = send("&timeout=10s", List.of(tools.ffmpegPath(), "-hide_banner", "-version"), null);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(ExecBinding.EXEC_EXIT_VALUE)).isEqualTo(0);
        assertThat(exchange.getMessage().getHeader(ExecBinding.EXEC_STDERR)).isNull();
        assertThat(exchange.getMessage().getBody(String.class)).startsWith("ffmpeg version ");
        FfmpegExecResult result = exchange.getMessage().getBody(FfmpegExecResult.class);
        assertThat(result.run().succeeded()).isTrue();
        assertThat(result.run().timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void passesEveryArgumentAsItIsWithoutAShell() {
        Exchange exchange = send("", List.of("/bin/echo", "a b; echo INJECTED", "$(whoami)", "`id`"), null);

        assertThat(exchange.getMessage().getBody(String.class)).isEqualTo("a b; echo INJECTED $(whoami) `id`\n");
    }

    @Test
    void aFailedRunKeepsTheTailOfStderrAndItsExitValue() throws Exception {
        Exchange exchange = send(
                "&timeout=10000",
                List.of(tools.ffmpegPath(), "-hide_banner", "-v", "error", "-i", "file:/nonexistent/input.mp4"),
                null);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(ExecBinding.EXEC_EXIT_VALUE)).isEqualTo(1);
        try (InputStream stderr = exchange.getMessage().getHeader(ExecBinding.EXEC_STDERR, InputStream.class)) {
            assertThat(new String(stderr.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("No such file or directory");
        }
        FfmpegExecResult result = exchange.getMessage().getBody(FfmpegExecResult.class);
        assertThat(result.run().failure("probe"))
                .startsWith("probe failed (exit 1): ")
                .contains("No such file");
    }

    @Test
    void exitValuesTurnAnyOtherExitIntoAReadableFailure() {
        Exchange exchange = send(
                "&timeout=10000&exitValues=0",
                List.of(tools.ffmpegPath(), "-hide_banner", "-v", "error", "-i", "file:/nonexistent/input.mp4"),
                null);

        assertThat(exchange.getException())
                .isInstanceOf(ExecException.class)
                .hasMessageStartingWith("ffmpeg failed (exit 1): ")
                .hasMessageContaining("No such file or directory");
    }

    @Test
    void stopsTheProcessAtTheEndpointTimeoutAndLeavesNothingBehind() {
        String marker = "timeout-" + System.nanoTime();
        long started = System.nanoTime();

        FfmpegExecResult result = steps.exec(endlessFfmpeg(marker), Duration.ofMillis(1500), null);

        assertThat(result.run().timedOut()).isTrue();
        assertThat(result.run().failure("thumbnail")).isEqualTo("thumbnail timed out after 1.5s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(processesWith(marker)).isEmpty();
    }

    @Test
    void givesStdoutLinesToTheListenerWhileTheProcessRuns() {
        List<Long> progressAt = new CopyOnWriteArrayList<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        List<String> argv = List.of(
                tools.ffmpegPath(),
                "-nostdin",
                "-v",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=64x48:rate=10:duration=3",
                "-progress",
                "pipe:1",
                "-nostats",
                "-f",
                "null",
                "-");

        FfmpegExecResult result = steps.exec(argv, Duration.ofSeconds(30), line -> {
            lines.add(line);
            if (line.startsWith("progress=")) {
                progressAt.add(System.nanoTime());
            }
        });

        assertThat(result.run().succeeded()).isTrue();
        assertThat(result.getStdout()).as("the listener took stdout").isNull();
        assertThat(lines).contains("progress=end");
        assertThat(progressAt).hasSizeGreaterThanOrEqualTo(3);
        // camel-exec's own executor hands all of them over at exit; here they arrive as ffmpeg writes them
        assertThat(Duration.ofNanos(progressAt.get(progressAt.size() - 1) - progressAt.get(0)))
                .isGreaterThan(Duration.ofSeconds(1));
    }

    @Test
    void theTaskRunningTheStepCanStopItsProcess() throws Exception {
        String marker = "scope-" + System.nanoTime();
        CompletableFuture<RunningProcesses.Scope> scope = new CompletableFuture<>();
        CompletableFuture<FfmpegExecResult> step = CompletableFuture.supplyAsync(() -> {
            try (RunningProcesses.Scope task = processes.open()) {
                scope.complete(task);
                return steps.exec(endlessFfmpeg(marker), Duration.ofMinutes(5), null);
            }
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !processesWith(marker).isEmpty());

        assertThat(scope.get(5, TimeUnit.SECONDS).terminate()).isTrue();

        FfmpegExecResult result = step.get(10, TimeUnit.SECONDS);
        assertThat(result.run().timedOut()).isFalse();
        assertThat(result.run().succeeded()).isFalse();
        assertThat(processesWith(marker)).isEmpty();
    }

    @Test
    void refusesAMessageBodyAsStandardInput() {
        Exchange exchange = send("&timeout=10s", List.of(tools.ffmpegPath(), "-version"), "some body");

        assertThat(exchange.getException())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set the body to null");
    }

    @Test
    void readsTheTimeoutAsCamelDoesIso8601Included() {
        Exchange exchange = send("&timeout=PT1M30S", List.of(tools.ffmpegPath(), "-version"), null);

        assertThat(exchange.getMessage().getBody(FfmpegExecResult.class).run().timeout())
                .isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesATimeoutThatIsNoLimit() {
        // the endpoint option refuses 0 itself; the header that overrides it per message does not
        Exchange exchange = steps.send("exec:ffmpeg?commandExecutor=#ffmpegExecutor&timeout=10s", e -> {
            e.getIn().setHeader(ExecBinding.EXEC_COMMAND_EXECUTABLE, tools.ffmpegPath());
            e.getIn().setHeader(ExecBinding.EXEC_COMMAND_ARGS, List.of("-version"));
            e.getIn().setHeader(ExecBinding.EXEC_COMMAND_TIMEOUT, 0L);
        });

        assertThat(exchange.getException())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exec:ffmpeg has timeout 0 ms");
    }
}
