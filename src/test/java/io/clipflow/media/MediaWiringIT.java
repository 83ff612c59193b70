package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

class MediaWiringIT {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({MediaProperties.class, ProbeLimitsProperties.class})
    @ComponentScan(basePackageClasses = VideoProbe.class)
    static class MediaOnly {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(MediaOnly.class);

    @Test
    void registersTheBeansRoutesCallByName() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean("videoProbe")).isInstanceOf(VideoProbe.class);
            assertThat(context.getBean("thumbnail")).isInstanceOf(Thumbnail.class);
            assertThat(context.getBean("hlsLadder")).isInstanceOf(HlsLadder.class);
            assertThat(context.getBean("ffmpegRunner")).isInstanceOf(FfmpegRunner.class);
            assertThat(context.getBean("ffmpegTools", FfmpegTools.class).ffprobePath())
                    .endsWith("/ffprobe");
        });
    }

    @Test
    void refusesToStartWithoutFfmpegAndSaysHowToFixIt() {
        runner.withPropertyValues("clipflow.media.ffmpeg=/opt/nowhere/ffmpeg").run(context -> assertThat(context)
                .getFailure()
                .rootCause()
                .isInstanceOf(FfmpegMissingException.class)
                .hasMessageContaining("Cannot find an executable '/opt/nowhere/ffmpeg' at /opt/nowhere/ffmpeg")
                .hasMessageContaining("apt-get install -y ffmpeg")
                .hasMessageContaining("clipflow.media.ffmpeg"));
    }
}
