package io.clipflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.IntegrationTestBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.embedded.RedisServer;

/** Readiness follows Redis: DOWN (503) while it is unreachable, UP again when it is back; liveness stays UP. */
@DirtiesContext
class ReadinessIT extends IntegrationTestBase {

    static RedisServer redis;

    @DynamicPropertySource
    static void ownRedis(DynamicPropertyRegistry registry) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        redis = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .build();
        redis.start();
        registry.add("spring.data.redis.url", () -> "redis://127.0.0.1:" + port);
        registry.add("clipflow.redis.embedded", () -> "never");
    }

    @AfterAll
    static void stopRedis() throws IOException {
        if (redis != null && redis.isActive()) {
            redis.stop();
        }
    }

    @Test
    void readinessGoesDownWhileRedisIsUnreachable() throws IOException {
        ApiClient probe = anonymous();
        assertThat(probe.get("/actuator/health/readiness").status()).isEqualTo(200);

        redis.stop();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> probe.get("/actuator/health/readiness").status() == 503);
        assertThat(probe.get("/actuator/health/liveness").status()).isEqualTo(200);

        try {
            redis.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> probe.get("/actuator/health/readiness").status() == 200);
    }
}
