package io.clipflow.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Python Celery (Debian's python3-celery under /usr/bin/python3) for interoperability tests: runs client scripts
 * and a worker against the same Redis. Tests skip with a clear message where it is not installed.
 */
public final class PythonCelery {

    public static final String PYTHON = "/usr/bin/python3";

    /** Tasks of the Python worker; {@code record} returns what it received and its request's ids. */
    public static final String TASKS =
            """
            import os
            from celery import Celery
            app = Celery('tasks', broker=os.environ['BROKER'], backend=os.environ['BROKER'])
            app.conf.update(result_extended=True, accept_content=['json'], worker_hijack_root_logger=False)

            @app.task(name='tasks.add')
            def add(x, y):
                return x + y

            @app.task(name='tasks.fail')
            def fail():
                raise ValueError('boom from python')

            @app.task(name='tasks.record', bind=True)
            def record(self, *args):
                return {'args': list(args), 'id': self.request.id, 'parent_id': self.request.parent_id,
                        'root_id': self.request.root_id}
            """;

    private PythonCelery() {}

    public static void assumeInstalled() {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import celery, redis, kombu")
                    .redirectErrorStream(true)
                    .start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            ok = false;
        }
        Assumptions.assumeTrue(
                ok,
                "Python Celery is not installed under " + PYTHON
                        + " (apt-get install python3-celery python3-redis); skipping the interoperability tests");
    }

    /** Writes tasks.py into {@code dir} and starts a solo worker on {@code queue}. */
    public static Process startWorker(Path dir, String broker, String queue) throws IOException {
        Files.writeString(dir.resolve("tasks.py"), TASKS);
        ProcessBuilder pb = new ProcessBuilder(
                        PYTHON,
                        "-m",
                        "celery",
                        "-A",
                        "tasks",
                        "worker",
                        "-Q",
                        queue,
                        "--pool=solo",
                        "-c",
                        "1",
                        "-n",
                        "py@localhost",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                        "-l",
                        "warning")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker.log").toFile());
        pb.environment().put("BROKER", broker);
        return pb.start();
    }

    /** Runs a client script (tasks.py importable as {@code tasks}) and returns its stdout; fails on a non-zero exit. */
    public static String run(Path dir, String broker, String script) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("tasks.py"), TASKS);
        ProcessBuilder pb =
                new ProcessBuilder(PYTHON, "-c", script).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("BROKER", broker);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("python failed:\n" + out);
        }
        return out;
    }

    public static List<String> lines(String out) {
        return out.lines().filter(l -> l.startsWith("{") || l.startsWith("[")).toList();
    }

    public static Map<String, String> env(String broker) {
        return Map.of("BROKER", broker);
    }
}
