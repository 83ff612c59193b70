package io.clipflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.testsupport.IntegrationTestBase;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** A worker thread's own connection reaches the same Redis, database and client name as the shared one. */
class WorkerConnectionsIT extends IntegrationTestBase {

    @Autowired
    RedisConnectionFactory appFactory;

    @Test
    void aWorkerConnectionUsesTheSharedConnectionsServerDatabaseAndClientName() throws Exception {
        LettuceConnectionFactory app = (LettuceConnectionFactory) appFactory;
        RedisStandaloneConfiguration db5 = new RedisStandaloneConfiguration(app.getHostName(), app.getPort());
        db5.setDatabase(5);
        String name = "worker-test-" + UUID.randomUUID().toString().substring(0, 8);
        LettuceConnectionFactory shared = new LettuceConnectionFactory(
                db5, LettuceClientConfiguration.builder().clientName(name).build());
        shared.afterPropertiesSet();
        shared.start();
        WorkerConnections workers = new WorkerConnections(shared);
        String key = "worker-connections-it:" + UUID.randomUUID();
        try (RedisConnection own = workers.open()) {
            own.stringCommands().set(bytes(key), bytes("written by a worker thread"));

            StringRedisTemplate viaShared = new StringRedisTemplate(shared);
            assertThat(viaShared.opsForValue().get(key)).isEqualTo("written by a worker thread");
            // not in the app's own database
            assertThat(new StringRedisTemplate(appFactory).hasKey(key)).isFalse();
            // the worker connection is a client of its own, named like the shared one, on database 5
            String self = new String((byte[]) own.execute("CLIENT", bytes("INFO")), StandardCharsets.UTF_8);
            assertThat(self).contains("name=" + name + " ").contains(" db=5 ");
            viaShared.delete(key);
        } finally {
            workers.destroy();
            shared.destroy();
        }
    }

    @Test
    void aBlockingWaitOnAServerThatFallsSilentEndsWithAnErrorInsteadOfHangingTheThread() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
            // answers +OK to whatever the client sends on connecting, then never answers BLMOVE (a partition: no RST)
            Thread server = new Thread(() -> {
                try (java.net.Socket s = silent.accept()) {
                    var in = new java.io.BufferedReader(
                            new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    var out = s.getOutputStream();
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (!line.startsWith("*")) {
                            continue;
                        }
                        StringBuilder command = new StringBuilder();
                        for (int i = 0; i < 2 * Integer.parseInt(line.substring(1)); i++) {
                            command.append(in.readLine()).append(' ');
                        }
                        if (!command.toString().toUpperCase().contains("BLMOVE")) {
                            out.write("+OK\r\n".getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            server.setDaemon(true);
            server.start();
            LettuceConnectionFactory shared = new LettuceConnectionFactory(
                    new RedisStandaloneConfiguration("127.0.0.1", silent.getLocalPort()),
                    LettuceClientConfiguration.builder()
                            .commandTimeout(java.time.Duration.ofSeconds(2))
                            .build());
            WorkerConnections workers = new WorkerConnections(shared);
            try (RedisConnection own = workers.open()) {
                long started = System.nanoTime();
                // without a timeout the wait would never end: the test gives it 10 s
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                        java.time.Duration.ofSeconds(10),
                        () -> org.assertj.core.api.Assertions.assertThatThrownBy(() -> own.listCommands()
                                        .bLMove(
                                                bytes("queue"),
                                                bytes("processing"),
                                                org.springframework.data.redis.connection.RedisListCommands.Direction
                                                        .RIGHT,
                                                org.springframework.data.redis.connection.RedisListCommands.Direction
                                                        .LEFT,
                                                0.5))
                                .isInstanceOf(RuntimeException.class));
                // gave up after the command timeout, not never
                assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                        .isBetween(java.time.Duration.ofMillis(1500), java.time.Duration.ofSeconds(10));
            } finally {
                workers.destroy();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
