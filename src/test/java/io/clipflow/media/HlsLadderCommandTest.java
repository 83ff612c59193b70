package io.clipflow.media;

import static io.clipflow.media.HlsLadderPlanTest.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HlsLadderCommandTest {

    private final HlsLadder ladder =
            new HlsLadder(new FfmpegTools("/usr/bin/ffmpeg", "/usr/bin/ffprobe", "test"), MediaProperties.defaults());
    private final Path input = Path.of("/media/v1/original.mp4");
    private final Path hls = Path.of("/media/v1/hls");

    private List<String> commandFor(ProbeResult probe) {
        return ladder.command(input, hls, probe, ladder.plan(probe));
    }

    private static String after(List<String> argv, String option) {
        int i = argv.indexOf(option);
        assertThat(i).as("option %s present", option).isNotNegative();
        return argv.get(i + 1);
    }

    @Test
    void runsFfmpegDirectlyWithOneArgumentPerElement() {
        List<String> argv = commandFor(source(1280, 720, true));

        assertThat(argv.get(0)).isEqualTo("/usr/bin/ffmpeg");
        assertThat(argv).doesNotContain("sh", "-c", "bash").noneMatch(a -> a.startsWith("-") && a.contains(" "));
        assertThat(after(argv, "-i")).isEqualTo("file:/media/v1/original.mp4");
        assertThat(after(argv, "-protocol_whitelist")).isEqualTo("file");
        assertThat(argv.get(argv.size() - 1)).isEqualTo("/media/v1/hls/%v/index.m3u8");
    }

    @Test
    void decodesOnceAndScalesEveryRenditionInOneFilterGraph() {
        List<String> argv = commandFor(source(1280, 720, true));

        assertThat(after(argv, "-filter_complex"))
                .isEqualTo("[0:V:0]split=3[s0][s1][s2];"
                        + "[s0]scale=1280:720,setsar=1,format=yuv420p[v0];"
                        + "[s1]scale=854:480,setsar=1,format=yuv420p[v1];"
                        + "[s2]scale=640:360,setsar=1,format=yuv420p[v2]");
        assertThat(String.join(" ", argv))
                .contains("-map [v0] -map 0:a:0 -map [v1] -map 0:a:0 -map [v2] -map 0:a:0")
                .contains("-b:v:0 2800k")
                .contains("-b:v:1 1400k")
                .contains("-b:v:2 800k")
                .contains("-b:a:0 128k")
                .contains("-b:a:1 128k")
                .contains("-b:a:2 96k");
    }

    @Test
    void mapsEveryVariantWithItsAudioAndName() {
        List<String> argv = commandFor(source(1280, 720, true));

        assertThat(after(argv, "-var_stream_map")).isEqualTo("v:0,a:0,name:720p v:1,a:1,name:480p v:2,a:2,name:360p");
        assertThat(after(argv, "-master_pl_name")).isEqualTo("master.m3u8");
        assertThat(after(argv, "-hls_segment_filename")).isEqualTo("/media/v1/hls/%v/seg_%05d.ts");
        assertThat(after(argv, "-hls_time")).isEqualTo("4");
        assertThat(after(argv, "-hls_playlist_type")).isEqualTo("vod");
        assertThat(after(argv, "-progress")).isEqualTo("pipe:1");
        assertThat(argv).contains("-nostats");
    }

    @Test
    void leavesAudioOutForASilentSource() {
        List<String> argv = commandFor(source(1280, 720, false));

        assertThat(argv).doesNotContain("0:a:0", "-c:a").noneMatch(a -> a.startsWith("-b:a"));
        assertThat(after(argv, "-var_stream_map")).isEqualTo("v:0,name:720p v:1,name:480p v:2,name:360p");
    }

    @Test
    void alignsKeyframesWithSegments() {
        List<String> argv = commandFor(source(1280, 720, true));

        assertThat(after(argv, "-g")).isEqualTo("100");
        assertThat(after(argv, "-keyint_min")).isEqualTo("100");
        assertThat(after(argv, "-sc_threshold")).isEqualTo("0");
        assertThat(after(argv, "-force_key_frames")).isEqualTo("expr:gte(t,n_forced*4)");
        assertThat(after(argv, "-preset")).isEqualTo("veryfast");
        assertThat(after(argv, "-profile:v")).isEqualTo("main");
    }

    @Test
    void refusesAnOutputDirectoryThatFfmpegWouldReadAsAPattern() {
        ProbeResult probe = source(640, 360, true);

        assertThatThrownBy(() -> ladder.command(input, Path.of("/media/100%/hls"), probe, ladder.plan(probe)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
