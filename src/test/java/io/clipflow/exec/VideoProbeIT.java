package io.clipflow.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.clipflow.media.FfmpegRunner;
import io.clipflow.media.FfmpegTools;
import io.clipflow.media.MediaException;
import io.clipflow.media.MediaProperties;
import io.clipflow.media.NotAVideoException;
import io.clipflow.media.ProbeResult;
import io.clipflow.media.Thumbnail;
import io.clipflow.media.VideoProbe;
import io.clipflow.testsupport.Clips;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ffprobe and the thumbnail through their exec steps, as route video-process runs them. */
class VideoProbeIT {

    @TempDir
    static Path dir;

    static Path hd;
    static Path small;

    private final MediaProperties properties = MediaProperties.defaults();
    private final FfmpegRunner runner = new FfmpegRunner();
    private final FfmpegTools tools = new FfmpegTools(properties, runner);
    private final VideoProbe probe = new VideoProbe(tools);
    private final Thumbnail thumbnail = new Thumbnail(tools, properties);
    private final ExecSteps steps = new ExecSteps(runner);

    @BeforeAll
    static void generateClips() {
        hd = Clips.generate(dir, "hd.mp4", 1280, 720, 2, true);
        small = Clips.generate(dir, "small.mp4", 320, 180, 2, false);
    }

    @AfterEach
    void stopCamel() {
        steps.close();
    }

    private ProbeResult probe(Path input) {
        return steps.probe(probe, input, properties.timeouts().probe());
    }

    private Path capture(Path input, Path output, ProbeResult source) {
        return steps.thumbnail(
                thumbnail, input, output, source, properties.timeouts().thumbnail());
    }

    @Test
    void findsTheInstalledTools() {
        assertThat(Path.of(tools.ffmpegPath())).isAbsolute().isExecutable();
        assertThat(Path.of(tools.ffprobePath())).isAbsolute().isExecutable().hasFileName("ffprobe");
        assertThat(tools.version()).matches("\\d+\\.\\d+.*");
    }

    @Test
    void probesARealClip() throws IOException {
        ProbeResult result = probe(hd);

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

        assertThatThrownBy(() -> probe(fake))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: Invalid data found when processing input");
    }

    @Test
    void rejectsAPicture() throws IOException {
        Path picture = dir.resolve("picture.jpg");
        capture(small, picture, probe(small));

        assertThatThrownBy(() -> probe(picture))
                .isInstanceOf(NotAVideoException.class)
                .hasMessage("not a video: image file");
    }

    @Test
    void writesAJpegThumbnailAtMost640Wide() throws IOException {
        Path jpeg = capture(hd, dir.resolve("thumb-hd.jpg"), probe(hd));

        byte[] bytes = Files.readAllBytes(jpeg);
        assertThat(Arrays.copyOf(bytes, 2)).containsExactly(0xFF, 0xD8);
        BufferedImage image = ImageIO.read(jpeg.toFile());
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(360);
    }

    @Test
    void keepsTheSizeOfASmallSourceForTheThumbnail() throws IOException {
        BufferedImage image = ImageIO.read(
                capture(small, dir.resolve("thumb-small.jpg"), probe(small)).toFile());

        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(180);
    }

    @Test
    void failsTheThumbnailWhenFfmpegWritesNothing() {
        ProbeResult source = probe(small);
        Path missingInput = dir.resolve("missing.mp4");

        assertThatThrownBy(() -> capture(missingInput, dir.resolve("none.jpg"), source))
                .isInstanceOf(MediaException.class)
                .hasMessageStartingWith("thumbnail failed (exit 1): ")
                .hasMessageContaining("No such file or directory");
        assertThatThrownBy(() -> thumbnail.verify(dir.resolve("none.jpg"), 0, ""))
                .isInstanceOf(MediaException.class)
                .hasMessage("thumbnail failed: ffmpeg wrote no picture");
    }
}
