package io.clipflow.exec;

import io.clipflow.media.FfmpegRunner;
import io.clipflow.media.ProcessResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecCommandExecutor;
import org.apache.camel.component.exec.ExecEndpoint;
import org.apache.camel.component.exec.ExecException;
import org.apache.camel.component.exec.ExecResult;
import org.springframework.stereotype.Component;

/**
 * The command executor of every {@code exec:} step (endpoint option {@code commandExecutor: "#ffmpegExecutor"}, route
 * video-process). It runs the command through {@link FfmpegRunner}: started without a shell from the argument list,
 * part of the running task's process scope (its soft and hard time limits, revoke-terminate and shutdown stop it),
 * the whole process tree stopped at the endpoint's {@code timeout}, stdout read line by line as it is written.
 *
 * <p>What camel-exec's binding expects comes back: stdout as the body ({@code null} when empty, or when an {@link
 * ExecStdoutBinding} listener took the lines), the tail of stderr and the exit value as headers. A non-zero exit is not
 * an exception, as with camel-exec's own executor, unless the endpoint lists {@code exitValues}; the step after reads
 * the outcome, including whether the time limit ended it, from the {@link FfmpegExecResult}.
 */
@Component("ffmpegExecutor")
public class FfmpegExecutor implements ExecCommandExecutor {

    /** Larger stdout is dropped: ffprobe's JSON is a few KB, and a runaway process must not fill the heap. */
    static final int MAX_STDOUT_CHARS = 8 * 1024 * 1024;

    private final FfmpegRunner runner;

    FfmpegExecutor(FfmpegRunner runner) {
        this.runner = runner;
    }

    @Override
    public ExecResult execute(ExecCommand command) {
        String program = Path.of(command.getExecutable()).getFileName().toString();
        refuseInput(command, program);
        Duration timeout = timeout(command, program);
        List<String> argv = new ArrayList<>();
        argv.add(command.getExecutable());
        argv.addAll(command.getArgs());
        Path workingDir = command.getWorkingDir() == null ? null : Path.of(command.getWorkingDir());

        Consumer<String> listener = command instanceof StreamedExecCommand streamed ? streamed.stdoutLines() : null;
        BoundedText stdout = new BoundedText(MAX_STDOUT_CHARS);
        ProcessResult run = runner.run(argv, workingDir, timeout, listener != null ? listener : stdout::append);

        InputStream out = stdout.isEmpty() ? null : stdout.toStream();
        InputStream err = run.stderrTail().isEmpty()
                ? null
                : new ByteArrayInputStream(run.stderrTail().getBytes(StandardCharsets.UTF_8));
        if (stdout.overflowed()) {
            throw new ExecException(
                    program + " wrote more than " + MAX_STDOUT_CHARS / (1024 * 1024)
                            + "M characters to standard output",
                    null,
                    err,
                    run.exitCode());
        }
        if (!command.getExitValues().isEmpty()
                && (run.timedOut() || !command.getExitValues().contains(run.exitCode()))) {
            String failure = run.failure(program);
            String reason = failure != null
                    ? failure
                    : program + " exited with 0, not one of the step's exitValues " + command.getExitValues();
            throw new ExecException(reason, out, err, run.exitCode());
        }
        return new FfmpegExecResult(command, out, err, run);
    }

    /** The body would be the process's stdin; FFmpeg steps read files, so a body left over is a route mistake. */
    private static void refuseInput(ExecCommand command, String program) {
        InputStream input = command.getInput();
        if (input == null) {
            return;
        }
        try {
            input.close();
        } catch (IOException e) {
            // nothing was read from it
        }
        throw new IllegalArgumentException("exec:" + program + " got the message body as standard input; set the body"
                + " to null before the step (FFmpeg steps read files, never stdin)");
    }

    private static Duration timeout(ExecCommand command, String program) {
        long millis = command.getTimeout();
        if (millis == ExecEndpoint.NO_TIMEOUT) {
            return Duration.ofMillis(Long.MAX_VALUE);
        }
        if (millis <= 0) {
            throw new IllegalArgumentException(
                    "exec:" + program + " has timeout " + millis + " ms; give the step a" + " positive time limit");
        }
        return Duration.ofMillis(millis);
    }

    /** Stdout lines up to a number of characters; beyond it, lines are drained and dropped. */
    private static final class BoundedText {

        private final int limit;
        private final StringBuilder text = new StringBuilder();
        private long chars;
        private boolean overflowed;

        BoundedText(int limit) {
            this.limit = limit;
        }

        // called on the runner's reader thread only; read after the runner joined it
        void append(String line) {
            chars += line.length() + 1L;
            if (chars > limit) {
                overflowed = true;
                return;
            }
            text.append(line).append('\n');
        }

        boolean isEmpty() {
            return text.isEmpty();
        }

        boolean overflowed() {
            return overflowed;
        }

        InputStream toStream() {
            return new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
