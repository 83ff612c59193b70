package io.clipflow.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import redis.embedded.RedisServer;

/**
 * Before any bean exists: checks that Redis answers PING at {@code spring.data.redis.url} and, when it does not, starts
 * an embedded Redis on a free port with append-only persistence under the data folder and points the URL at it. Runs as
 * an initializer (not a bean) because Spring Data Redis reads the URL while the context is built.
 */
public class EmbeddedRedisInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String STATUS_PROPERTY = "clipflow.redis.resolved";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisInitializer.class);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        String url = env.getProperty("spring.data.redis.url", "redis://127.0.0.1:6379");
        Duration timeout = env.getProperty("clipflow.redis.connect-timeout", Duration.class, Duration.ofMillis(500));
        String mode = env.getProperty("clipflow.redis.embedded", "auto");
        URI uri = URI.create(url);
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        if (answersPing(host, port, timeout)) {
            publish(env, Map.of(STATUS_PROPERTY, "system " + redact(uri)));
            return;
        }
        if (!"auto".equals(mode)) {
            throw new IllegalStateException("Redis does not answer at " + redact(uri) + " and clipflow.redis.embedded="
                    + mode + ": start Redis or set clipflow.redis.embedded=auto");
        }
        Path dir = Path.of(env.getProperty("clipflow.data-dir", "./data"))
                .resolve("redis")
                .toAbsolutePath();
        int embeddedPort = freePort();
        RedisServer server = start(dir, embeddedPort);
        context.getBeanFactory().registerSingleton("embeddedRedisServer", new EmbeddedRedis(server));
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "" : uri.getPath();
        String embeddedUrl = "redis://127.0.0.1:" + embeddedPort + db;
        publish(
                env,
                Map.of(
                        "spring.data.redis.url",
                        embeddedUrl,
                        STATUS_PROPERTY,
                        "embedded " + embeddedUrl + " (nothing answered at " + redact(uri) + "; data in " + dir + ")"));
        log.warn(
                "Redis: nothing answered at {}; started an embedded Redis at {} with its files in {}",
                redact(uri),
                embeddedUrl,
                dir);
    }

    private static RedisServer start(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("appendonly yes")
                    .setting("dir " + dir)
                    .setting("save \"\"")
                    .build();
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the embedded Redis in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void publish(ConfigurableEnvironment env, Map<String, Object> values) {
        env.getPropertySources().addFirst(new MapPropertySource("clipflow-redis-" + values.hashCode(), values));
    }

    static boolean answersPing(String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(1);
            // '+PONG' or '-NOAUTH …': either way a Redis is there; auth is the client's business
            return reply.length == 1 && (reply[0] == '+' || reply[0] == '-');
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the embedded Redis", e);
        }
    }

    private static String redact(URI uri) {
        return uri.getUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getUserInfo() + "@", "***@");
    }

    /** Stops the embedded Redis with the context; Redis writes its append-only file on the way down. */
    record EmbeddedRedis(RedisServer server) implements org.springframework.beans.factory.DisposableBean {
        @Override
        public void destroy() throws IOException {
            server.stop();
        }
    }
}
