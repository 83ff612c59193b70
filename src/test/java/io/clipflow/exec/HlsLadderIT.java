package io.clipflow.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.media.FfmpegRunner;
import io.clipflow.media.FfmpegTools;
import io.clipflow.media.HlsLadder;
import io.clipflow.media.HlsOutput;
import io.clipflow.media.MediaException;
import io.clipflow.media.MediaProperties;
import io.clipflow.media.ProbeResult;
import io.clipflow.media.ProcessResult;
import io.clipflow.media.Rendition;
import io.clipflow.media.TranscodeProgress;
import io.clipflow.media.VideoProbe;
import io.clipflow.testsupport.Clips;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ladder through its exec step, as route video-process runs it: one ffmpeg, live progress, verified output. */
class HlsLadderIT {

    @TempDir
    static Path clips;

    @TempDir
    Path out;

    static Path hd;
    static Path small;
    static Path silent;

    // 1 s segments so a 3 s clip must be cut into 3 aligned segments per rendition
    private final MediaProperties properties = new MediaProperties(
            "ffmpeg",
            "ffprobe",
            null,
            Duration.ofSeconds(1),
            "ultrafast",
            0.1,
            new MediaProperties.Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60)));
    private final FfmpegRunner runner = new FfmpegRunner();
    private final FfmpegTools tools = new FfmpegTools(properties, runner);
    private final VideoProbe probe = new VideoProbe(tools);
    private final HlsLadder ladder = new HlsLadder(tools, properties);
    private final ExecSteps steps = new ExecSteps(runner);

    @BeforeAll
    static void generateClips() {
        hd = Clips.generate(clips, "hd.mp4", 1280, 720, 3, true);
        small = Clips.generate(clips, "small.mp4", 640, 360, 2, true);
        silent = Clips.generate(clips, "silent.mp4", 640, 360, 2, false);
    }

    @AfterEach
    void stopCamel() {
        steps.close();
    }

    private ProbeResult probe(Path input) {
        return steps.probe(probe, input, properties.timeouts().probe());
    }

    private HlsOutput transcode(Path input, Path hlsDir, ProbeResult source, TranscodeProgress progress) {
        return steps.transcode(
                ladder, input, hlsDir, source, properties.timeouts().transcode(), progress);
    }

    @Test
    void transcodesA720pClipIntoThreeVerifiedRenditions() throws IOException {
        List<Double> progress = new CopyOnWriteArrayList<>();

        HlsOutput output = transcode(hd, out.resolve("hls"), probe(hd), progress::add);

        assertThat(output.masterPlaylist())
                .isEqualTo(out.resolve("hls/master.m3u8"))
                .isRegularFile();
        assertThat(output.renditions())
                .extracting(Rendition::name, Rendition::width, Rendition::height, Rendition::playlist)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("720p", 1280, 720, "720p/index.m3u8"),
                        org.assertj.core.groups.Tuple.tuple("480p", 854, 480, "480p/index.m3u8"),
                        org.assertj.core.groups.Tuple.tuple("360p", 640, 360, "360p/index.m3u8"));
        List<String> master = Files.readAllLines(output.masterPlaylist());
        assertThat(master.stream().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")))
                .hasSize(3);
        assertThat(master).contains("720p/index.m3u8", "480p/index.m3u8", "360p/index.m3u8");
        for (Rendition rendition : output.renditions()) {
            assertThat(rendition.bandwidth()).isGreaterThan(rendition.videoBitrateKbps() * 1000L);
            assertThat(rendition.segmentCount()).isEqualTo(3).isEqualTo(segmentFilesOf(out.resolve("hls"), rendition));
        }

        assertThat(videoHeights(out.resolve("hls/master.m3u8"))).containsExactlyInAnyOrder(720, 480, 360);
        assertThat(videoHeights(out.resolve("hls/480p/index.m3u8"))).containsExactly(480);
        assertThat(streamTypes(out.resolve("hls/480p/index.m3u8"))).containsExactlyInAnyOrder("video", "audio");

        assertThat(progress).isNotEmpty().isSorted().allMatch(f -> f >= 0 && f <= 1.0);
        assertThat(progress.get(progress.size() - 1)).isEqualTo(1.0);
        assertThat(progress.stream().filter(f -> f == 1.0)).hasSize(1);
    }

    @Test
    void neverUpscalesA360pClip() throws IOException {
        HlsOutput output = transcode(small, out.resolve("hls"), probe(small), TranscodeProgress.NONE);

        assertThat(output.renditions()).extracting(Rendition::name).containsExactly("360p");
        assertThat(Files.readAllLines(output.masterPlaylist()))
                .filteredOn(l -> l.startsWith("#EXT-X-STREAM-INF:"))
                .hasSize(1);
        try (Stream<Path> dirs = Files.list(out.resolve("hls"))) {
            assertThat(dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()))
                    .containsExactly("360p");
        }
        assertThat(videoHeights(output.masterPlaylist())).containsExactly(360);
    }

    @Test
    void transcodesAClipWithoutAudio() {
        ProbeResult source = probe(silent);
        assertThat(source.hasAudio()).isFalse();

        HlsOutput output = transcode(silent, out.resolve("hls"), source, TranscodeProgress.NONE);

        assertThat(output.renditions()).singleElement().satisfies(r -> {
            assertThat(r.audioBitrateKbps()).isZero();
            assertThat(r.segmentCount()).isEqualTo(2);
        });
        assertThat(streamTypes(out.resolve("hls/360p/index.m3u8"))).containsExactly("video");
    }

    @Test
    void replacesTheOutputOfAnEarlierAttempt() throws IOException {
        Path hls = out.resolve("hls");
        Files.createDirectories(hls.resolve("360p"));
        Files.writeString(hls.resolve("360p/seg_00099.ts"), "stale");
        Files.writeString(hls.resolve("notes.txt"), "not ours");

        transcode(small, hls, probe(small), TranscodeProgress.NONE);

        assertThat(hls.resolve("360p/seg_00099.ts")).doesNotExist();
        assertThat(hls.resolve("notes.txt")).hasContent("not ours");
    }

    @Test
    void reportsFfmpegsErrorWhenTheInputVanished() throws IOException {
        ProbeResult source = probe(small);
        Path gone = Files.copy(small, out.resolve("gone.mp4"));
        Files.delete(gone);

        assertThatThrownBy(() -> transcode(gone, out.resolve("hls"), source, TranscodeProgress.NONE))
                .isInstanceOf(MediaException.class)
                .hasMessageStartingWith("transcode failed (exit 1): ")
                .hasMessageContaining("No such file or directory");
        assertThat(out.resolve("hls/master.m3u8")).doesNotExist();
    }

    private static long segmentFilesOf(Path hls, Rendition rendition) throws IOException {
        try (Stream<Path> files = Files.list(hls.resolve(rendition.name()))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ts")).count();
        }
    }

    private List<Integer> videoHeights(Path playlist) {
        List<Integer> heights = new ArrayList<>();
        streams(playlist).forEach(s -> {
            if ("video".equals(s.path("codec_type").asText())) {
                heights.add(s.path("height").asInt());
            }
        });
        return heights;
    }

    private List<String> streamTypes(Path playlist) {
        List<String> types = new ArrayList<>();
        streams(playlist).forEach(s -> types.add(s.path("codec_type").asText()));
        return types;
    }

    /** ffprobe reads the playlist the way a player does (the hls demuxer, local files only). */
    private JsonNode streams(Path playlist) {
        StringBuilder json = new StringBuilder();
        ProcessResult result = runner.run(
                List.of(
                        tools.ffprobePath(),
                        "-v",
                        "error",
                        "-protocol_whitelist",
                        "file",
                        "-show_entries",
                        "stream=codec_type,height",
                        "-print_format",
                        "json",
                        playlist.toString()),
                Duration.ofSeconds(30),
                json::append);
        assertThat(result.exitCode()).as(result.stderrTail()).isZero();
        try {
            return new ObjectMapper().readTree(json.toString()).path("streams");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
