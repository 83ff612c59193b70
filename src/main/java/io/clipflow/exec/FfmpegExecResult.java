package io.clipflow.exec;

import io.clipflow.media.ProcessResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;

/**
 * The body an exec step leaves when {@link FfmpegExecutor} ran it: camel-exec's {@link ExecResult} plus how the process
 * ended ({@link #run()}: timed out or not, elapsed, the time limit), which the step after the exec reads.
 */
public final class FfmpegExecResult extends ExecResult {

    private static final long serialVersionUID = 1L;

    private final transient ProcessResult run;

    FfmpegExecResult(ExecCommand command, InputStream stdout, InputStream stderr, ProcessResult run) {
        super(command, stdout, stderr, run.exitCode());
        this.run = run;
    }

    /**
     * The result of an exec step, which must have run through {@link FfmpegExecutor}.
     *
     * @throws IllegalStateException when the step ran on camel-exec's own executor: then no time limit, revoke or
     *     shutdown could have reached the process, and the route must say {@code commandExecutor: "#ffmpegExecutor"}
     */
    public static FfmpegExecResult of(ExecResult exec) {
        if (exec instanceof FfmpegExecResult result) {
            return result;
        }
        throw new IllegalStateException(
                "exec step " + (exec == null ? "?" : exec.getCommand().getExecutable())
                        + " did not run through #ffmpegExecutor: add commandExecutor: \"#ffmpegExecutor\" to it");
    }

    /** How the process ended. */
    public ProcessResult run() {
        return run;
    }

    /** Stdout as text; empty when there was none or a listener read it. Reads the stream, so call it once. */
    public String stdoutText() {
        InputStream stdout = getStdout();
        if (stdout == null) {
            return "";
        }
        try (stdout) {
            return new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
