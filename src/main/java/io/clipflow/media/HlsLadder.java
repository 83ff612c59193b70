package io.clipflow.media;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Plans the HLS ladder for a source, with one ffmpeg process for every rendition (decode once, split, scale, encode
 * each): the argv of route video-process's transcode step, the reader of its progress and the check of what it wrote.
 *
 * <p>Output layout: {@code <hlsDir>/master.m3u8} with relative variant URIs ({@code 720p/index.m3u8}), and
 * {@code <hlsDir>/<name>/index.m3u8} plus {@code seg_00000.ts}... per rendition.
 */
@Component("hlsLadder")
public class HlsLadder {

    private static final Logger log = LoggerFactory.getLogger(HlsLadder.class);
    private static final double FALLBACK_FRAME_RATE = 25;

    private final FfmpegTools tools;
    private final MediaProperties properties;

    public HlsLadder(FfmpegTools tools, MediaProperties properties) {
        this.tools = tools;
        this.properties = properties;
    }

    /**
     * The renditions for {@code probe}, highest first. Rungs are matched against the shorter side, so portrait
     * videos get the same ladder as landscape ones; nothing is upscaled; all sizes are even (H.264 4:2:0 needs it).
     * A source smaller than every rung gets one rendition at its own size, named after its shorter side.
     */
    public List<Rendition> plan(ProbeResult probe) {
        int shortSide = Math.min(probe.width(), probe.height());
        int longSide = Math.max(probe.width(), probe.height());
        boolean portrait = probe.height() > probe.width();
        List<Rendition> plan = new ArrayList<>();
        properties.ladder().stream()
                .sorted(Comparator.comparingInt(MediaProperties.Rung::height).reversed())
                .forEach(rung -> {
                    int target = evenDown(rung.height());
                    if (target <= shortSide) {
                        int other = even((double) longSide * target / shortSide);
                        plan.add(Rendition.planned(
                                rung.name(),
                                portrait ? target : other,
                                portrait ? other : target,
                                rung.videoBitrateKbps(),
                                probe.hasAudio() ? rung.audioBitrateKbps() : 0));
                    }
                });
        if (plan.isEmpty()) {
            MediaProperties.Rung smallest = properties.ladder().stream()
                    .min(Comparator.comparingInt(MediaProperties.Rung::height))
                    .orElseThrow();
            int target = evenDown(shortSide);
            double pixelRatio = Math.pow((double) target / smallest.height(), 2);
            int videoKbps = (int) Math.max(100, Math.round(smallest.videoBitrateKbps() * pixelRatio));
            plan.add(Rendition.planned(
                    target + "p",
                    evenDown(probe.width()),
                    evenDown(probe.height()),
                    Math.min(videoKbps, smallest.videoBitrateKbps()),
                    probe.hasAudio() ? smallest.audioBitrateKbps() : 0));
        }
        return List.copyOf(plan);
    }

    /** The single ffmpeg argv that writes every rendition of {@code plan} and the master playlist into {@code hlsDir}. */
    public List<String> command(Path input, Path hlsDir, ProbeResult probe, List<Rendition> plan) {
        String dir = hlsDir.toAbsolutePath().normalize().toString();
        if (dir.contains("%")) {
            // the HLS muxer expands % sequences in output names
            throw new IllegalArgumentException("HLS directory must not contain '%': " + dir);
        }
        int n = plan.size();
        String segment = seconds(properties.segmentDuration().toMillis());
        double fps = probe.frameRate() > 0 ? Math.min(probe.frameRate(), 240) : FALLBACK_FRAME_RATE;
        String gop = Long.toString(
                Math.max(1, Math.round(fps * properties.segmentDuration().toMillis() / 1000.0)));

        List<String> argv = new ArrayList<>(List.of(
                tools.ffmpegPath(),
                "-nostdin",
                "-hide_banner",
                "-v",
                "error",
                "-protocol_whitelist",
                "file",
                "-i",
                VideoProbe.fileUrl(input)));

        // 0:V skips attached pictures (cover art), which 0:v would pick if they come first
        String split = "[0:V:0]split=" + n
                + IntStream.range(0, n).mapToObj(i -> "[s" + i + "]").collect(Collectors.joining());
        String scales = IntStream.range(0, n)
                .mapToObj(i -> "[s%d]scale=%d:%d,setsar=1,format=yuv420p[v%d]"
                        .formatted(i, plan.get(i).width(), plan.get(i).height(), i))
                .collect(Collectors.joining(";"));
        argv.addAll(List.of("-filter_complex", split + ";" + scales));
        for (int i = 0; i < n; i++) {
            argv.addAll(List.of("-map", "[v" + i + "]"));
            if (probe.hasAudio()) {
                argv.addAll(List.of("-map", "0:a:0"));
            }
        }

        argv.addAll(List.of(
                "-c:v",
                "libx264",
                "-preset",
                properties.preset(),
                "-profile:v",
                "main",
                // keyframes exactly on the segment grid, so every segment starts with one and renditions align
                "-g",
                gop,
                "-keyint_min",
                gop,
                "-sc_threshold",
                "0",
                "-force_key_frames",
                "expr:gte(t,n_forced*" + segment + ")"));
        for (int i = 0; i < n; i++) {
            int kbps = plan.get(i).videoBitrateKbps();
            argv.addAll(List.of(
                    "-b:v:" + i, kbps + "k",
                    "-maxrate:v:" + i, Math.round(kbps * 1.07) + "k",
                    "-bufsize:v:" + i, Math.round(kbps * 1.5) + "k"));
        }
        if (probe.hasAudio()) {
            argv.addAll(List.of("-c:a", "aac", "-ac", "2"));
            for (int i = 0; i < n; i++) {
                argv.addAll(List.of("-b:a:" + i, plan.get(i).audioBitrateKbps() + "k"));
            }
        }

        String streamMap = IntStream.range(0, n)
                .mapToObj(i -> (probe.hasAudio() ? "v:%d,a:%d,name:%s" : "v:%d,name:%3$s")
                        .formatted(i, i, plan.get(i).name()))
                .collect(Collectors.joining(" "));
        argv.addAll(List.of(
                "-max_muxing_queue_size",
                "1024",
                "-f",
                "hls",
                "-hls_time",
                segment,
                "-hls_playlist_type",
                "vod",
                "-hls_flags",
                "independent_segments",
                "-hls_segment_filename",
                dir + "/%v/seg_%05d.ts",
                // ffmpeg 5.1 writes it next to the %v directories, i.e. <hlsDir>/master.m3u8, with relative URIs
                "-master_pl_name",
                HlsPlaylists.MASTER,
                "-var_stream_map",
                streamMap,
                "-progress",
                "pipe:1",
                // ffmpeg writes a progress block every 0.5 s by default; match the tracker's 250 ms reporting interval
                "-stats_period",
                HlsLadder.seconds(ProgressTracker.MIN_INTERVAL_NANOS / 1_000_000),
                "-nostats",
                dir + "/%v/index.m3u8"));
        return List.copyOf(argv);
    }

    /**
     * Readies {@code hlsDir} for the ladder of {@code probe} and returns the one ffmpeg argv that writes it: output
     * from an earlier attempt at the same directory is removed first.
     *
     * @throws MediaException "transcode failed: cannot create ..."
     */
    public List<String> prepare(Path input, Path hlsDir, ProbeResult probe) {
        Path dir = hlsDir.toAbsolutePath().normalize();
        List<Rendition> plan = plan(probe);
        List<String> argv = command(input, dir, probe, plan);
        removeOutput(dir, plan);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MediaException("transcode failed: cannot create " + dir + ": " + e.getMessage(), e);
        }
        return argv;
    }

    /**
     * A reader for the {@code -progress} lines of the {@link #prepare}d command, reporting to {@code progress} at most
     * ~4 times per second, never decreasing; its {@link ProgressTracker#finish} reports 1.0 once the output is
     * verified.
     */
    public ProgressTracker progress(ProbeResult probe, TranscodeProgress progress) {
        return new ProgressTracker(probe.durationSeconds(), progress);
    }

    /**
     * Checks how a run of the {@link #prepare}d command ended and reads what it wrote.
     *
     * @throws MediaException "transcode failed (exit N): ...", "transcode timed out after ..." or a playlist that is
     *     missing or incomplete; partial output is removed
     */
    public HlsOutput verify(Path hlsDir, ProbeResult probe, ProcessResult run) {
        Path dir = hlsDir.toAbsolutePath().normalize();
        List<Rendition> plan = plan(probe);
        List<Rendition> renditions;
        try {
            if (!run.succeeded()) {
                throw new MediaException(run.failure("transcode"));
            }
            renditions = HlsPlaylists.verify(dir, plan);
        } catch (MediaException e) {
            removeOutput(dir, plan);
            throw e;
        }
        log.info(
                "transcoded {} renditions ({}) in {} ms",
                renditions.size(),
                renditions.stream().map(Rendition::name).collect(Collectors.joining(",")),
                run.elapsed().toMillis());
        return new HlsOutput(dir.resolve(HlsPlaylists.MASTER), renditions);
    }

    /** Deletes only files this class writes, so a misconfigured directory never loses anything else. */
    private static void removeOutput(Path dir, List<Rendition> plan) {
        try {
            Files.deleteIfExists(dir.resolve(HlsPlaylists.MASTER));
            for (Rendition rendition : plan) {
                Path variantDir = dir.resolve(rendition.name());
                if (!Files.isDirectory(variantDir)) {
                    continue;
                }
                Files.deleteIfExists(variantDir.resolve("index.m3u8"));
                try (DirectoryStream<Path> segments = Files.newDirectoryStream(variantDir, "seg_*.ts")) {
                    for (Path segment : segments) {
                        Files.deleteIfExists(segment);
                    }
                }
                try (DirectoryStream<Path> rest = Files.newDirectoryStream(variantDir)) {
                    if (!rest.iterator().hasNext()) {
                        Files.delete(variantDir);
                    }
                }
            }
        } catch (IOException e) {
            log.warn("cannot remove earlier HLS output in {}: {}", dir, e.toString());
        }
    }

    static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    /** Nearest even number, at least 2. */
    static int even(double value) {
        return (int) Math.max(2, 2 * Math.round(value / 2));
    }

    /** Largest even number not above {@code value}, at least 2. */
    static int evenDown(int value) {
        return Math.max(2, value - value % 2);
    }
}
