package io.clipflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** With nothing answering at the configured URL, an embedded Redis starts, persists to the data folder, survives a restart. */
class EmbeddedRedisInitializerIT {

    @TempDir
    Path dataDir;

    @Test
    void startsAnEmbeddedRedisWhoseQueuedWorkSurvivesARestart() throws Exception {
        int unused;
        try (ServerSocket s = new ServerSocket(0)) {
            unused = s.getLocalPort();
        }
        String configured = "redis://127.0.0.1:" + unused + "/3";

        try (GenericApplicationContext first = start(configured)) {
            String url = first.getEnvironment().getProperty("spring.data.redis.url");
            assertThat(url).isNotEqualTo(configured).endsWith("/3");
            assertThat(first.getEnvironment().getProperty(EmbeddedRedisInitializer.STATUS_PROPERTY))
                    .startsWith("embedded");
            withRedis(url, redis -> redis.opsForList().leftPush("video", "queued-before-restart"));
        }
        assertThat(dataDir.resolve("redis"))
                .isDirectoryContaining(p -> p.getFileName().toString().startsWith("appendonly"));

        try (GenericApplicationContext second = start(configured)) {
            String url = second.getEnvironment().getProperty("spring.data.redis.url");
            withRedis(url, redis -> assertThat(redis.opsForList().range("video", 0, -1))
                    .containsExactly("queued-before-restart"));
        }
    }

    @Test
    void leavesTheUrlAloneWhenRedisAnswers() {
        URI system = URI.create("redis://127.0.0.1:6379");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                EmbeddedRedisInitializer.answersPing(system.getHost(), system.getPort(), Duration.ofMillis(500)));
        try (GenericApplicationContext context = start(system.toString())) {
            assertThat(context.getEnvironment().getProperty("spring.data.redis.url"))
                    .isEqualTo(system.toString());
            assertThat(context.getEnvironment().getProperty(EmbeddedRedisInitializer.STATUS_PROPERTY))
                    .startsWith("system");
        }
    }

    private GenericApplicationContext start(String url) {
        GenericApplicationContext context = new GenericApplicationContext();
        context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "test", Map.of("spring.data.redis.url", url, "clipflow.data-dir", dataDir.toString())));
        new EmbeddedRedisInitializer().initialize(context);
        context.refresh();
        return context;
    }

    private static void withRedis(String url, java.util.function.Consumer<StringRedisTemplate> work) {
        URI uri = URI.create(url);
        var config = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
        config.setDatabase(Integer.parseInt(uri.getPath().substring(1)));
        LettuceConnectionFactory factory = new LettuceConnectionFactory(config);
        factory.afterPropertiesSet();
        try {
            work.accept(new StringRedisTemplate(factory));
        } finally {
            factory.destroy();
        }
    }
}
