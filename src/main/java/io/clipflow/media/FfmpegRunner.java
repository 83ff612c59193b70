package io.clipflow.media;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Runs ffmpeg/ffprobe without a shell, streams stdout line by line and never leaves a process behind. Every process
 * joins the {@link RunningProcesses.Scope} of the task running on the calling thread, so the task's time limits,
 * revoke and shutdown reach it. The exec steps of route video-process run through it (the command executor in
 * {@code io.clipflow.exec}), and {@link FfmpegTools} asks it for the version at startup.
 *
 * <p>Why not camel-exec's own executor: it buffers stdout until exit (no live progress), its timeout SIGTERMs only the
 * direct child, and nothing outside it can find the process to stop it.
 */
@Component("ffmpegRunner")
public class FfmpegRunner {

    static final int STDERR_TAIL_BYTES = 4096;
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(FfmpegRunner.class);

    private final RunningProcesses running;

    @Autowired
    public FfmpegRunner(RunningProcesses running) {
        this.running = running;
    }

    /** A runner nobody supervises, for tests and tools that build commands only. */
    public FfmpegRunner() {
        this(new RunningProcesses());
    }

    /** {@link #run(List, Path, Duration, Consumer)} in this JVM's working directory. */
    public ProcessResult run(List<String> argv, Duration timeout, Consumer<String> onStdoutLine) {
        return run(argv, null, timeout, onStdoutLine);
    }

    /**
     * Runs {@code argv} and waits for it to exit.
     *
     * <p>On timeout, or when the calling thread is interrupted, the process and its descendants get SIGTERM (so
     * ffmpeg can close its outputs), and whatever is still alive after 5 s gets SIGKILL. After an interrupt the
     * thread's interrupt flag is set again and a {@link MediaException} is thrown.
     *
     * @param argv the program (an absolute path) and its arguments, one element each
     * @param workingDir the process's working directory; null for this JVM's
     * @param timeout how long the process may run
     * @param onStdoutLine called for every stdout line, on a separate reader thread; exceptions are logged
     * @throws MediaException when the process cannot be started or the calling thread was interrupted
     */
    public ProcessResult run(List<String> argv, Path workingDir, Duration timeout, Consumer<String> onStdoutLine) {
        List<String> command = List.copyOf(argv);
        String program = Path.of(command.get(0)).getFileName().toString();
        Path stderrFile = null;
        Process process = null;
        try {
            stderrFile = Files.createTempFile("clipflow-" + program + "-", ".stderr");
            long started = System.nanoTime();
            process = new ProcessBuilder(command)
                    .directory(workingDir == null ? null : workingDir.toFile())
                    // stderr to a file so a chatty process can never block on a full pipe
                    .redirectError(stderrFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            log.debug("started {} pid {}", program, process.pid());
            running.started(process);
            Thread reader = startReader(process, program, onStdoutLine);

            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                log.warn("{} pid {} exceeded {}; terminating it", program, process.pid(), timeout);
                killTree(process);
            }
            int exitCode = process.waitFor();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            joinReader(reader, process);
            return new ProcessResult(exitCode, !exited, tail(stderrFile), elapsed, timeout);
        } catch (InterruptedException e) {
            if (process != null) {
                killTree(process);
            }
            Thread.currentThread().interrupt();
            throw new MediaException(program + " was interrupted and has been stopped", e);
        } catch (IOException e) {
            throw new MediaException("cannot run " + program + ": " + e.getMessage(), e);
        } finally {
            if (process != null) {
                running.ended(process);
            }
            if (process != null && process.isAlive()) {
                // only reached on unexpected errors; never leave a child behind
                killTree(process);
            }
            deleteQuietly(stderrFile);
        }
    }

    private static Thread startReader(Process process, String program, Consumer<String> onStdoutLine) {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = lines.readLine()) != null; ) {
                            try {
                                onStdoutLine.accept(line);
                            } catch (RuntimeException e) {
                                // keep draining stdout, otherwise the process blocks on a full pipe
                                log.warn("stdout handler of {} failed: {}", program, e.toString());
                            }
                        }
                    } catch (IOException e) {
                        log.debug("stdout of {} closed: {}", program, e.toString());
                    }
                },
                program + "-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private static void joinReader(Thread reader, Process process) throws InterruptedException {
        reader.join(GRACE.toMillis());
        if (reader.isAlive()) {
            // a stray grandchild can keep the pipe open after the process exited
            killDescendants(process);
            closeQuietly(process.getInputStream());
            reader.join(GRACE.toMillis());
        }
    }

    /** SIGTERM to the process and everything it started, then SIGKILL to what survives the grace period. */
    static void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        boolean interrupted = false;
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            } catch (Exception e) {
                // timed out: SIGKILL below
            }
        }
        for (ProcessHandle handle : tree) {
            if (handle.isAlive()) {
                log.warn("pid {} ignored SIGTERM; killing it", handle.pid());
                handle.destroyForcibly();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killDescendants(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    static String tail(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - STDERR_TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            raf.seek(from);
            raf.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (from > 0) {
                int newline = text.indexOf('\n');
                text = newline >= 0 ? text.substring(newline + 1) : text;
            }
            return text;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            log.debug("closing stdout failed: {}", e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}
