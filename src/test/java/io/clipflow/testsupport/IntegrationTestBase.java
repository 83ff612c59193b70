package io.clipflow.testsupport;

import io.clipflow.celery.CeleryResult;
import io.clipflow.config.RedisKeys;
import io.clipflow.security.Passwords;
import io.clipflow.security.Role;
import io.clipflow.security.TokenService;
import io.clipflow.task.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole app on a random port against real Redis, a real database and real FFmpeg. Each Spring context gets its own
 * data folder, Redis key prefix and node name, so cached contexts (whose consumers keep running) never share a queue.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class IntegrationTestBase {

    @LocalServerPort
    protected int port;

    @Autowired
    protected TokenService tokens;

    @Autowired
    protected Passwords passwords;

    @Autowired
    private StringRedisTemplate resultRedis;

    @Autowired
    private RedisKeys resultKeys;

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) throws IOException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path dataDir = Files.createTempDirectory("clipflow-it-" + run);
        registry.add("clipflow.data-dir", dataDir::toString);
        registry.add("clipflow.redis.key-prefix", () -> "it-" + run + ":");
        registry.add("clipflow.node-name", () -> "it-node-" + run);
    }

    /** A client signed in as a new user with the given role. */
    protected ApiClient newUser(Role role) {
        String name =
                role.name().toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
        var user = tokens.createUser(name, role);
        return new ApiClient(
                "http://127.0.0.1:" + port, tokens.issue(user.id(), "test").token(), user.id());
    }

    /** A new user with a dashboard password and an API token. */
    public record Account(long id, String username, String password, ApiClient api) {}

    protected Account newAccount(Role role) {
        ApiClient api = newUser(role);
        String name = tokens.findUser(api.userId()).orElseThrow().username();
        String password = "pw-" + UUID.randomUUID();
        passwords.set(api.userId(), password);
        return new Account(api.userId(), name, password, api);
    }

    protected String base() {
        return "http://127.0.0.1:" + port;
    }

    /** This app's stored result of {@code taskId} once it is in {@code state}; {@link TaskResults#DEFAULT_WAIT}. */
    protected CeleryResult awaitResult(String taskId, TaskState state) {
        return TaskResults.in(resultRedis, resultKeys).awaitResult(taskId, state);
    }

    protected CeleryResult awaitResult(String taskId, TaskState state, Duration timeout) {
        return TaskResults.in(resultRedis, resultKeys).awaitResult(taskId, state, timeout);
    }

    protected ApiClient anonymous() {
        return new ApiClient("http://127.0.0.1:" + port, null, -1);
    }
}
