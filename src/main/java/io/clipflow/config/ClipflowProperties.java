package io.clipflow.config;

import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Node-wide settings.
 *
 * @param dataDir root of everything this node writes: H2 database ({@code db/}), media ({@code media/}), upload staging
 *     ({@code tmp/}) and the embedded Redis files ({@code redis/})
 * @param nodeName stable name of this node; names its processing list, so a restarted node finds its own unacked work.
 *     Defaults to {@code <hostname>-<server.port>} so two nodes on one host never share a list
 * @param redis key layout and embedded-Redis fallback
 */
@Validated
@ConfigurationProperties("clipflow")
public record ClipflowProperties(
        @DefaultValue("./data") Path dataDir, @NotBlank String nodeName, @DefaultValue Redis redis) {

    /**
     * @param keyPrefix prepended to every Redis key and channel (like kombu's {@code global_keyprefix}); empty by
     *     default so Python Celery sees the same keys
     * @param embedded {@code auto}: start an embedded Redis when nothing answers at {@code spring.data.redis.url};
     *     {@code never}: fail instead
     * @param connectTimeout how long to wait for the configured Redis before falling back
     */
    public record Redis(
            @DefaultValue("") String keyPrefix,
            @DefaultValue("auto") String embedded,
            @DefaultValue("500ms") Duration connectTimeout) {}

    public Path mediaDir() {
        return dataDir.resolve("media");
    }
}
