package io.clipflow.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A redis-server of the benchmark's own on a spare port: no persistence, shared by every system measured. */
final class PrivateRedis implements AutoCloseable {

    final int port;
    final RedisClient client;
    final StatefulRedisConnection<String, String> connection;
    final Proc server;

    PrivateRedis(Path logDir) {
        this.port = freePort();
        this.server = Proc.start(
                "redis-server",
                List.of(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        // BullMQ warns on anything else; Celery and Clipflow do not care
                        "--maxmemory-policy",
                        "noeviction"),
                Path.of("."),
                Map.of(),
                logDir);
        server.awaitLog("Ready to accept connections", Duration.ofSeconds(20));
        this.client = RedisClient.create("redis://127.0.0.1:" + port + "/0");
        this.connection = client.connect();
    }

    String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    String version() {
        String info = connection.sync().info("server");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length()).trim();
            }
        }
        return "?";
    }

    void flush() {
        connection.sync().flushall();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            connection.sync().shutdown(false);
        } catch (RuntimeException e) {
            // the connection closes as the server exits
        }
        client.shutdown();
        server.close();
    }
}
