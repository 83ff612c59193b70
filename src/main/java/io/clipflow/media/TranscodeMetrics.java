package io.clipflow.media;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** FFmpeg's speed as {@code clipflow.ffmpeg.realtime.factor}: media seconds transcoded per wall-clock second. */
@Component
public class TranscodeMetrics {

    private final DistributionSummary realtime;

    /** Without a registry (a slim context of media beans only) the samples go to a private one. */
    TranscodeMetrics(ObjectProvider<MeterRegistry> registries) {
        MeterRegistry registry = registries.getIfAvailable(SimpleMeterRegistry::new);
        this.realtime = DistributionSummary.builder("clipflow.ffmpeg.realtime.factor")
                .description("Media seconds transcoded per wall-clock second, one sample per ladder run")
                .publishPercentiles(0.5, 0.95)
                .register(registry);
    }

    public void transcoded(double mediaSeconds, Duration wall) {
        if (mediaSeconds > 0 && !wall.isZero() && !wall.isNegative()) {
            realtime.record(mediaSeconds / (wall.toNanos() / 1e9));
        }
    }
}
