package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class MediaPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(MediaProperties.class)
    static class Config {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void bindsTheDocumentedDefaults() {
        runner.run(context -> assertThat(context.getBean(MediaProperties.class)).isEqualTo(MediaProperties.defaults()));
    }

    @Test
    void bindsAConfiguredLadder() {
        runner.withPropertyValues(
                        "clipflow.media.ladder[0].name=1080p",
                        "clipflow.media.ladder[0].height=1080",
                        "clipflow.media.ladder[0].video-bitrate-kbps=5000",
                        "clipflow.media.ladder[0].audio-bitrate-kbps=160",
                        "clipflow.media.segment-duration=6s",
                        "clipflow.media.ffmpeg=/opt/ffmpeg/bin/ffmpeg")
                .run(context -> {
                    MediaProperties properties = context.getBean(MediaProperties.class);
                    assertThat(properties.ladder()).containsExactly(new MediaProperties.Rung("1080p", 1080, 5000, 160));
                    assertThat(properties.segmentDuration()).isEqualTo(Duration.ofSeconds(6));
                    assertThat(properties.ffmpeg()).isEqualTo("/opt/ffmpeg/bin/ffmpeg");
                });
    }

    @Test
    void rejectsAnUnknownPreset() {
        runner.withPropertyValues("clipflow.media.preset=fast; rm -rf /").run(context -> assertThat(context)
                .getFailure()
                .rootCause()
                .isInstanceOf(BindValidationException.class)
                .hasMessageContaining("preset"));
    }

    @Test
    void rejectsRungNamesThatWouldBreakTheStreamMap() {
        runner.withPropertyValues(
                        "clipflow.media.ladder[0].name=720p,a:0",
                        "clipflow.media.ladder[0].height=720",
                        "clipflow.media.ladder[0].video-bitrate-kbps=2800",
                        "clipflow.media.ladder[0].audio-bitrate-kbps=128")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(BindValidationException.class)
                        .hasMessageContaining("ladder[0].name"));
    }

    @Test
    void rejectsDuplicateRungNames() {
        runner.withPropertyValues(
                        "clipflow.media.ladder[0].name=hd",
                        "clipflow.media.ladder[0].height=720",
                        "clipflow.media.ladder[0].video-bitrate-kbps=2800",
                        "clipflow.media.ladder[0].audio-bitrate-kbps=128",
                        "clipflow.media.ladder[1].name=hd",
                        "clipflow.media.ladder[1].height=480",
                        "clipflow.media.ladder[1].video-bitrate-kbps=1400",
                        "clipflow.media.ladder[1].audio-bitrate-kbps=128")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(BindValidationException.class)
                        .hasMessageContaining("ladder rung names must be unique"));
    }

    @Test
    void rejectsAThumbnailPositionOutsideTheVideo() {
        runner.withPropertyValues("clipflow.media.thumbnail-position=1.5").run(context -> assertThat(context)
                .getFailure()
                .rootCause()
                .isInstanceOf(BindValidationException.class)
                .hasMessageContaining("thumbnailPosition"));
    }
}
