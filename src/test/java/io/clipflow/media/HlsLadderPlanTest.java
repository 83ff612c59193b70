package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HlsLadderPlanTest {

    private final HlsLadder ladder =
            new HlsLadder(new FfmpegTools("/usr/bin/ffmpeg", "/usr/bin/ffprobe", "test"), MediaProperties.defaults());

    static ProbeResult source(int width, int height, boolean audio) {
        return new ProbeResult(
                3.0,
                width,
                height,
                "h264",
                audio ? "aac" : null,
                25,
                1_000_000,
                400_000,
                "mov,mp4",
                width,
                height,
                audio ? 2 : 1);
    }

    @Test
    void plansTheWholeLadderFor720pWithExactEvenSizes() {
        assertThat(ladder.plan(source(1280, 720, true)))
                .extracting(
                        Rendition::name,
                        Rendition::width,
                        Rendition::height,
                        Rendition::videoBitrateKbps,
                        Rendition::audioBitrateKbps,
                        Rendition::playlist)
                .containsExactly(
                        tuple("720p", 1280, 720, 2800, 128, "720p/index.m3u8"),
                        tuple("480p", 854, 480, 1400, 128, "480p/index.m3u8"),
                        tuple("360p", 640, 360, 800, 96, "360p/index.m3u8"));
    }

    @Test
    void neverUpscalesA360pSource() {
        assertThat(ladder.plan(source(640, 360, true)))
                .extracting(Rendition::name, Rendition::width, Rendition::height)
                .containsExactly(tuple("360p", 640, 360));
    }

    @Test
    void plansOneRenditionAtSourceSizeWhenSmallerThanEveryRung() {
        List<Rendition> plan = ladder.plan(source(320, 180, true));

        assertThat(plan)
                .extracting(Rendition::name, Rendition::width, Rendition::height, Rendition::audioBitrateKbps)
                .containsExactly(tuple("180p", 320, 180, 96));
        assertThat(plan.get(0).videoBitrateKbps()).isBetween(100, 800);
    }

    @Test
    void roundsOddSourceSizesToEvenDimensions() {
        assertThat(ladder.plan(source(1279, 721, true)))
                .extracting(Rendition::name, Rendition::width, Rendition::height)
                .containsExactly(tuple("720p", 1278, 720), tuple("480p", 852, 480), tuple("360p", 638, 360));
        assertThat(ladder.plan(source(333, 187, false)))
                .extracting(Rendition::name, Rendition::width, Rendition::height)
                .containsExactly(tuple("186p", 332, 186));
    }

    @Test
    void matchesPortraitSourcesByTheirShorterSide() {
        assertThat(ladder.plan(source(720, 1280, true)))
                .extracting(Rendition::name, Rendition::width, Rendition::height)
                .containsExactly(tuple("720p", 720, 1280), tuple("480p", 480, 854), tuple("360p", 360, 640));
    }

    @Test
    void plansNoAudioBitrateWhenTheSourceIsSilent() {
        assertThat(ladder.plan(source(1920, 1080, false)))
                .extracting(Rendition::name, Rendition::audioBitrateKbps)
                .containsExactly(tuple("720p", 0), tuple("480p", 0), tuple("360p", 0));
    }

    @Test
    void sortsAConfiguredLadderHighToLow() {
        MediaProperties custom = new MediaProperties(
                "ffmpeg",
                "ffprobe",
                List.of(
                        new MediaProperties.Rung("low", 240, 400, 64),
                        new MediaProperties.Rung("full", 1080, 5000, 160)),
                Duration.ofSeconds(4),
                "veryfast",
                0.1,
                new MediaProperties.Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofHours(2)));
        HlsLadder customLadder = new HlsLadder(new FfmpegTools("/usr/bin/ffmpeg", "/usr/bin/ffprobe", "test"), custom);

        assertThat(customLadder.plan(source(1920, 1080, true)))
                .extracting(Rendition::name, Rendition::width, Rendition::height)
                .containsExactly(tuple("full", 1920, 1080), tuple("low", 426, 240));
    }
}
