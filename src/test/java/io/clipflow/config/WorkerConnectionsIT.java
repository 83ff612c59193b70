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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
