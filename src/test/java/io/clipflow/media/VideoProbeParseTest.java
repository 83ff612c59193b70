package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Canned outputs of ffprobe 5.1 ({@code -print_format json -show_format -show_streams}). */
class VideoProbeParseTest {

    private final VideoProbe probe = new VideoProbe(new FfmpegTools("/usr/bin/ffmpeg", "/usr/bin/ffprobe", "test"));

    private static String canned(String name) throws IOException {
        try (InputStream in = VideoProbeParseTest.class.getResourceAsStream("ffprobe/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsAVideoWithAudio() throws IOException {
        ProbeResult result = probe.parse(canned("video-with-audio.json"), 0, "");

        assertThat(result.durationSeconds()).isCloseTo(3.0, within(0.05));
        assertThat(result.width()).isEqualTo(1280);
        assertThat(result.height()).isEqualTo(720);
        assertThat(result.videoCodec()).isEqualTo("h264");
        assertThat(result.audioCodec()).isEqualTo("aac");
        assertThat(result.hasAudio()).isTrue();
        assertThat(result.frameRate()).isEqualTo(25.0);
        assertThat(result.bitRate()).isPositive();
        assertThat(result.sizeBytes()).isPositive();
        assertThat(result.formatName()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
    }

    @Test
    void readsAVideoWithoutAudio() throws IOException {
        ProbeResult result = probe.parse(canned("video-without-audio.json"), 0, "");

        assertThat(result.hasAudio()).isFalse();
        assertThat(result.audioCodec()).isNull();
        assertThat(result.width()).isEqualTo(640);
        assertThat(result.height()).isEqualTo(360);
        assertThat(result.durationSeconds()).isCloseTo(2.0, within(0.05));
    }

    @Test
    void reportsTheDisplayedSizeOfARotatedPhoneVideo() throws IOException {
        ProbeResult result = probe.parse(canned("rotated-90.json"), 0, "");

        assertThat(result.width()).isEqualTo(360);
        assertThat(result.height()).isEqualTo(640);
    }

    @Test
    void appliesNonSquarePixels() throws IOException {
        String anamorphic = canned("video-without-audio.json")
                .replace("\"sample_aspect_ratio\": \"1:1\"", "\"sample_aspect_ratio\": \"4:3\"");

        assertThat(probe.parse(anamorphic, 0, "").width()).isEqualTo(853);
    }

    @Test
    void rejectsAnMp3WithCoverArt() throws IOException {
        assertThatThrownBy(() -> probe.parse(canned("mp3-with-cover.json"), 0, ""))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: only a still picture (cover art), no video stream");
    }

    @Test
    void rejectsAPicture() throws IOException {
        assertThatThrownBy(() -> probe.parse(canned("png.json"), 0, ""))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: image file");
    }

    @Test
    void rejectsAudioOnly() throws IOException {
        String audioOnly =
                canned("mp3-with-cover.json").replace("\"codec_type\": \"video\"", "\"codec_type\": \"data\"");

        assertThatThrownBy(() -> probe.parse(audioOnly, 0, ""))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: no video stream");
    }

    @Test
    void rejectsZeroDuration() throws IOException {
        String still =
                canned("video-without-audio.json").replaceAll("\"duration\": \"[0-9.]+\"", "\"duration\": \"0\"");

        assertThatThrownBy(() -> probe.parse(still, 0, ""))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: unknown or zero duration");
    }

    @Test
    void rejectsPlaylistsThatWouldMakeFfmpegReadOtherFiles() {
        String hls = "{\"streams\":[{\"codec_type\":\"video\",\"width\":640,\"height\":360}],"
                + "\"format\":{\"format_name\":\"hls\",\"duration\":\"10\"}}";

        assertThatThrownBy(() -> probe.parse(hls, 0, ""))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: unsupported format hls");
    }

    @Test
    void givesFfprobesReasonWithoutThePath() {
        String stderr = "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55edb522d1c0] moov atom not found\n"
                + "file:/data/media/42/original.mp4: Invalid data found when processing input\n";

        assertThatThrownBy(() -> probe.parse("{\n\n}\n", 1, stderr))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: Invalid data found when processing input");
    }

    @Test
    void namesTheDemuxerTheFormatWhitelistRefused() {
        assertThatThrownBy(() -> probe.parse(
                        "{}",
                        1,
                        "[hls @ 0x5647883ec4c0] Format not on whitelist 'mov,matroska'\nfile:/x: Invalid argument\n"))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: unsupported format hls");
        assertThatThrownBy(() -> probe.parse("{}", 1, "[jpeg_pipe @ 0x1] Format not on whitelist 'mov'\n"))
                .hasMessage("not a video: image file");
    }

    @Test
    void buildsALocalFilesOnlyCommand() {
        assertThat(probe.command(Path.of("/data/media/42/original.mp4")))
                .containsExactly(
                        "/usr/bin/ffprobe",
                        "-v",
                        "error",
                        "-protocol_whitelist",
                        "file",
                        "-format_whitelist",
                        String.join(",", ProbeLimitsProperties.defaults().formats()),
                        "-print_format",
                        "json",
                        "-show_format",
                        "-show_streams",
                        "file:/data/media/42/original.mp4");
    }
}
