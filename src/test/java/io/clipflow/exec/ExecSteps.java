package io.clipflow.exec;

import io.clipflow.media.FfmpegRunner;
import io.clipflow.media.HlsLadder;
import io.clipflow.media.HlsOutput;
import io.clipflow.media.ProbeResult;
import io.clipflow.media.ProgressTracker;
import io.clipflow.media.Thumbnail;
import io.clipflow.media.TranscodeProgress;
import io.clipflow.media.VideoProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.exec.ExecBinding;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The FFmpeg stages as route video-process runs them, without the app: an {@code exec:} endpoint with
 * {@code commandExecutor=#ffmpegExecutor}, the argument list from the media class before it and the media class
 * reading the outcome after it.
 */
final class ExecSteps implements AutoCloseable {

    private final CamelContext camel = new DefaultCamelContext();
    private final ProducerTemplate template;

    ExecSteps(FfmpegRunner runner) {
        camel.getRegistry().bind("ffmpegExecutor", new FfmpegExecutor(runner));
        camel.getRegistry().bind("execStdoutBinding", new ExecStdoutBinding());
        camel.start();
        template = camel.createProducerTemplate();
    }

    /**
     * One exec step: {@code argv[0]} as the executable, the rest as the argument list, {@code stdout} (or null) as
     * the {@code execStdout} variable; failures of the step are rethrown.
     */
    FfmpegExecResult exec(List<String> argv, Duration timeout, Consumer<String> stdout) {
        String program = Path.of(argv.get(0)).getFileName().toString();
        Exchange exchange = template.send(
                "exec:" + program + "?commandExecutor=#ffmpegExecutor&binding=#execStdoutBinding&timeout="
                        + timeout.toMillis(),
                e -> {
                    e.getIn().setHeader(ExecBinding.EXEC_COMMAND_EXECUTABLE, argv.get(0));
                    e.getIn().setHeader(ExecBinding.EXEC_COMMAND_ARGS, argv.subList(1, argv.size()));
                    if (stdout != null) {
                        e.setVariable(ExecStdoutBinding.STDOUT_VARIABLE, stdout);
                    }
                });
        if (exchange.getException() != null) {
            throw RuntimeCamelException.wrapRuntimeCamelException(exchange.getException());
        }
        return exchange.getMessage().getBody(FfmpegExecResult.class);
    }

    /** Sends one exchange to an exec endpoint as {@code prepare} sets it up, for tests of the executor itself. */
    Exchange send(String uri, Consumer<Exchange> prepare) {
        return template.send(uri, prepare::accept);
    }

    ProbeResult probe(VideoProbe probe, Path input, Duration timeout) {
        FfmpegExecResult run = exec(probe.command(input), timeout, null);
        return probe.parse(run.stdoutText(), run.run());
    }

    Path thumbnail(Thumbnail thumbnail, Path input, Path output, ProbeResult probed, Duration timeout) {
        return thumbnail.verify(
                output,
                exec(thumbnail.command(input, output, probed), timeout, null).run());
    }

    HlsOutput transcode(
            HlsLadder ladder,
            Path input,
            Path hlsDir,
            ProbeResult probed,
            Duration timeout,
            TranscodeProgress progress) {
        ProgressTracker tracker = ladder.progress(probed, progress);
        HlsOutput output = ladder.verify(
                hlsDir,
                probed,
                exec(ladder.prepare(input, hlsDir, probed), timeout, tracker).run());
        tracker.finish();
        return output;
    }

    @Override
    public void close() {
        camel.stop();
    }
}
