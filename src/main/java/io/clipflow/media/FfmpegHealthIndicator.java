package io.clipflow.media;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code /actuator/health} component {@code ffmpeg}: DOWN when an executable found at startup has since gone. */
@Component("ffmpegHealthIndicator")
class FfmpegHealthIndicator implements HealthIndicator {

    private final FfmpegTools tools;

    FfmpegHealthIndicator(FfmpegTools tools) {
        this.tools = tools;
    }

    @Override
    public Health health() {
        Health.Builder health = Files.isExecutable(Path.of(tools.ffmpegPath()))
                        && Files.isExecutable(Path.of(tools.ffprobePath()))
                ? Health.up()
                : Health.down().withDetail("error", "ffmpeg or ffprobe is no longer executable; install FFmpeg");
        return health.withDetail("version", tools.version())
                .withDetail("ffmpeg", tools.ffmpegPath())
                .withDetail("ffprobe", tools.ffprobePath())
                .build();
    }
}
