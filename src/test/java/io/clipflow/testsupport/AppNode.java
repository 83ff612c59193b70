package io.clipflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Another Clipflow node in its own JVM: the packaged jar (failsafe runs after {@code package}) on a free port, for
 * tests where a crash, a signal or a second cluster member is the point. Its output goes to {@code <logDir>/<name>.log}.
 */
public final class AppNode implements AutoCloseable {

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private AppNode(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts node {@code name} with these extra {@code --key=value} arguments; the port, node name, no route reload and
     * no embedded Redis fallback (it must share the test's Redis) are set here.
     */
    public static AppNode start(String name, Path logDir, String maxHeap, List<String> args) {
        Path jar = Path.of("target", "clipflow.jar");
        assertThat(jar).as("the packaged jar (failsafe runs after package)").exists();
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx" + maxHeap,
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toAbsolutePath().toString(),
                "--server.port=" + port,
                "--clipflow.node-name=" + name,
                "--camel.main.routes-reload-enabled=false",
                "--clipflow.redis.embedded=never"));
        command.addAll(args);
        Path log = logDir.resolve(name + ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new AppNode(name, port, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the node's health endpoint answers 200; fails at once if the node exits. */
    public AppNode awaitHealthy(Duration timeout) {
        ApiClient probe = client(null, -1);
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(process.isAlive())
                    .as("node " + name + " exited; see " + log)
                    .isTrue();
            try {
                return probe.get("/actuator/health").status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
        return this;
    }

    public ApiClient client(String token, long userId) {
        return new ApiClient("http://127.0.0.1:" + port, token, userId);
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    /** The machine dies: the JVM and its children, no shutdown hooks. */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
