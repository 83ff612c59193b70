package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.clipflow.testsupport.Clips;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoProbeIT {

    @TempDir
    static Path dir;

    static Path hd;
    static Path small;

    private final MediaProperties properties = MediaProperties.defaults();
    private final FfmpegRunner runner = new FfmpegRunner();
    private final FfmpegTools tools = new FfmpegTools(properties, runner);
    private final VideoProbe probe = new VideoProbe(tools, runner, properties);
    private final Thumbnail thumbnail = new Thumbnail(tools, runner, properties);

    @BeforeAll
    static void generateClips() {
        hd = Clips.generate(dir, "hd.mp4", 1280, 720, 2, true);
        small = Clips.generate(dir, "small.mp4", 320, 180, 2, false);
    }

    @Test
    void findsTheInstalledTools() {
        assertThat(Path.of(tools.ffmpegPath())).isAbsolute().isExecutable();
        assertThat(Path.of(tools.ffprobePath())).isAbsolute().isExecutable().hasFileName("ffprobe");
        assertThat(tools.version()).matches("\\d+\\.\\d+.*");
    }

    @Test
    void probesARealClip() throws IOException {
        ProbeResult result = probe.probe(hd);

        assertThat(result.width()).isEqualTo(1280);
        assertThat(result.height()).isEqualTo(720);
        assertThat(result.durationSeconds()).isCloseTo(2.0, within(0.1));
        assertThat(result.videoCodec()).isEqualTo("h264");
        assertThat(result.audioCodec()).isEqualTo("aac");
        assertThat(result.frameRate()).isEqualTo(25.0);
        assertThat(result.sizeBytes()).isEqualTo(Files.size(hd));
    }

    @Test
    void rejectsATextFileNamedLikeAVideo() {
        Path fake = Clips.textFile(dir, "fake.mp4");

        assertThatThrownBy(() -> probe.probe(fake))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: Invalid data found when processing input");
    }

    @Test
    void rejectsAPicture() throws IOException {
        Path picture = dir.resolve("picture.jpg");
        thumbnail.capture(small, picture, probe.probe(small));

        assertThatThrownBy(() -> probe.probe(picture))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: image file");
    }

    @Test
    void writesAJpegThumbnailAtMost640Wide() throws IOException {
        Path jpeg = thumbnail.capture(hd, dir.resolve("thumb-hd.jpg"), probe.probe(hd));

        byte[] bytes = Files.readAllBytes(jpeg);
        assertThat(Arrays.copyOf(bytes, 2)).containsExactly(0xFF, 0xD8);
        BufferedImage image = ImageIO.read(jpeg.toFile());
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(360);
    }

    @Test
    void keepsTheSizeOfASmallSourceForTheThumbnail() throws IOException {
        BufferedImage image = ImageIO.read(thumbnail
                .capture(small, dir.resolve("thumb-small.jpg"), probe.probe(small))
                .toFile());

        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(180);
    }

    @Test
    void failsTheThumbnailWhenFfmpegWritesNothing() {
        ProbeResult source = probe.probe(small);
        Path missingInput = dir.resolve("missing.mp4");

        assertThatThrownBy(() -> thumbnail.capture(missingInput, dir.resolve("none.jpg"), source))
                .isInstanceOf(MediaException.class)
                .hasMessageStartingWith("thumbnail failed (exit 1): ")
                .hasMessageContaining("No such file or directory");
        assertThatThrownBy(() -> thumbnail.verify(dir.resolve("none.jpg"), 0, ""))
                .isInstanceOf(MediaException.class)
                .hasMessage("thumbnail failed: ffmpeg wrote no picture");
    }
}
