package io.clipflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Celery's own tools (Debian's python3-celery under /usr/bin/python3) pointed at a Clipflow node's Redis database and
 * key prefix (kombu's {@code global_keyprefix}): the {@code celery} CLI ({@code inspect}, {@code control},
 * {@code events --dump}), a Python worker, scripts, and an {@code EventReceiver} that records every event it gets, with
 * the state {@code celery.events.state.State} (what Flower builds its views from) gives it.
 */
public final class CeleryFleet implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The Celery app both the CLI and the Python worker load: the node's broker, database and prefix. */
    static final String APP =
            """
            import os, time
            from celery import Celery
            app = Celery('fleet', broker=os.environ['BROKER'])
            app.conf.update(
                broker_transport_options={'global_keyprefix': os.environ.get('PREFIX', '')},
                accept_content=['json'], worker_hijack_root_logger=False, task_ignore_result=True)

            @app.task(name='fleet.add')
            def add(x, y):
                return x + y

            @app.task(name='fleet.sleep')
            def sleep(seconds):
                time.sleep(seconds)
                return seconds
            """;

    /** Records events as JSON lines, each with the State's view of its task ({@code _state}) or worker ({@code _alive}). */
    static final String CAPTURE =
            """
            import json, sys
            from fleet import app
            from celery.events.state import State
            state = State()
            out = open(sys.argv[1], 'a', buffering=1)
            def on_event(event):
                state.event(event)
                line = dict(event)
                if line['type'].startswith('task-'):
                    task = state.tasks.get(line['uuid'])
                    line['_state'] = task.state if task else None
                else:
                    worker = state.workers.get(line['hostname'])
                    line['_alive'] = bool(worker and worker.alive)
                out.write(json.dumps(line) + '\\n')
            with app.connection() as connection:
                receiver = app.events.Receiver(connection, handlers={'*': on_event})
                ready = receiver.on_consume_ready
                def on_ready(*args, **kwargs):
                    ready(*args, **kwargs)
                    open(sys.argv[1] + '.ready', 'w').close()
                receiver.on_consume_ready = on_ready
                receiver.capture(limit=None, timeout=None, wakeup=True)
            """;

    private final Path dir;
    private final String broker;
    private final String prefix;
    private final List<Process> started = new ArrayList<>();

    /**
     * @param dir a folder of the test's own for the app module, logs and captures
     * @param broker the node's {@code spring.data.redis.url}
     * @param prefix the node's {@code clipflow.redis.key-prefix}
     */
    public CeleryFleet(Path dir, String broker, String prefix) {
        PythonCelery.assumeInstalled();
        this.dir = dir;
        this.broker = broker;
        this.prefix = prefix;
        try {
            Files.writeString(dir.resolve("fleet.py"), APP);
            Files.writeString(dir.resolve("capture.py"), CAPTURE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code celery -A fleet <args>} and returns what it printed; fails unless it exits 0. */
    public String celery(String... args) {
        List<String> command = new ArrayList<>(List.of(PythonCelery.PYTHON, "-m", "celery", "-A", "fleet"));
        command.addAll(List.of(args));
        return run(command, true);
    }

    /** {@code celery -A fleet <args>} whatever its exit code: stdout and stderr. */
    public String celeryAnyExit(String... args) {
        List<String> command = new ArrayList<>(List.of(PythonCelery.PYTHON, "-m", "celery", "-A", "fleet"));
        command.addAll(List.of(args));
        return run(command, false);
    }

    /** {@code celery inspect|control ... --json}: the replies as JSON (an object by node, or a list of them). */
    public JsonNode json(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--json");
        String out = celery(all.toArray(String[]::new));
        List<String> lines =
                out.lines().filter(l -> l.startsWith("{") || l.startsWith("[")).toList();
        assertThat(lines).as("celery printed JSON:\n" + out).isNotEmpty();
        try {
            return JSON.readTree(lines.get(lines.size() - 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a Python script with {@code fleet} importable; returns the last JSON line it printed. */
    public JsonNode python(String script) {
        String out = run(List.of(PythonCelery.PYTHON, "-c", script), true);
        List<String> lines =
                out.lines().filter(l -> l.startsWith("{") || l.startsWith("[")).toList();
        assertThat(lines).as("python printed JSON:\n" + out).isNotEmpty();
        try {
            return JSON.readTree(lines.get(lines.size() - 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a Python worker named {@code name} on {@code queue} (thread pool, so it answers while it works). */
    public Process startWorker(String name, String queue) {
        return start(
                "worker-" + name,
                List.of(
                        PythonCelery.PYTHON,
                        "-m",
                        "celery",
                        "-A",
                        "fleet",
                        "worker",
                        "-Q",
                        queue,
                        "-P",
                        "threads",
                        "-c",
                        "2",
                        "-n",
                        name,
                        "-l",
                        "warning"));
    }

    /** Starts {@code celery events --dump}; its output goes to the returned file. */
    public Path startDump(String name) {
        start(name, List.of(PythonCelery.PYTHON, "-m", "celery", "-A", "fleet", "events", "--dump"));
        return dir.resolve(name + ".log");
    }

    /** An {@code EventReceiver} recording every event; returns once it consumes. */
    public Capture startCapture(String name) {
        Path file = dir.resolve(name + ".jsonl");
        Process p = start(name, List.of(PythonCelery.PYTHON, "capture.py", file.toString()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            assertThat(p.isAlive())
                    .as("capture exited; see " + dir.resolve(name + ".log"))
                    .isTrue();
            return Files.exists(Path.of(file + ".ready"));
        });
        return new Capture(file);
    }

    /** The events one receiver got so far. */
    public record Capture(Path file) {
        public List<JsonNode> events() {
            try {
                if (!Files.exists(file)) {
                    return List.of();
                }
                List<JsonNode> out = new ArrayList<>();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.endsWith("}")) {
                        out.add(JSON.readTree(line));
                    }
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The events of one task, in arrival order. */
        public List<JsonNode> ofTask(String taskId) {
            return events().stream()
                    .filter(e -> taskId.equals(e.path("uuid").asText()))
                    .toList();
        }

        public List<String> typesOf(String taskId) {
            return ofTask(taskId).stream().map(e -> e.path("type").asText()).toList();
        }

        /** Events of {@code type} from {@code hostname}. */
        public List<JsonNode> from(String hostname, String type) {
            return events().stream()
                    .filter(e -> hostname.equals(e.path("hostname").asText())
                            && type.equals(e.path("type").asText()))
                    .toList();
        }
    }

    private Process start(String name, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        environment(pb);
        try {
            Process p = pb.start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String run(List<String> command, boolean mustSucceed) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        environment(pb);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (mustSucceed && (!done || p.exitValue() != 0)) {
                throw new AssertionError(command + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void environment(ProcessBuilder pb) {
        pb.environment().put("BROKER", broker);
        pb.environment().put("PREFIX", prefix);
        pb.environment().put("PYTHONPATH", dir.toString());
        pb.environment().put("PYTHONUNBUFFERED", "1");
    }

    /** Stops what this fleet started (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
