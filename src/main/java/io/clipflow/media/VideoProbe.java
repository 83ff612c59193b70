package io.clipflow.media;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Checks with ffprobe that an input is a video and reads its size and duration: the argv of route video-process's
 * probe step and the reading of its output.
 */
@Component("videoProbe")
public class VideoProbe {

    // demuxers that read other files or render non-video data as pictures: never treat their input as a video
    private static final Set<String> REFUSED_FORMATS = Set.of("hls", "concat", "tty", "lavfi", "ffmetadata", "sdp");
    private static final Set<String> IMAGE_FORMATS = Set.of("image2", "gif_pipe", "apng", "webp", "ico", "svg");

    // "[hls @ 0x55d1c0] Format not on whitelist 'mov,matroska,...'": the demuxer ffprobe detected and refused
    private static final Pattern NOT_ON_WHITELIST =
            Pattern.compile("\\[([A-Za-z0-9_,]+) @ ?0x[0-9a-f]+\\] *Format not on whitelist");

    private final FfmpegTools tools;
    private final ProbeLimitsProperties limits;
    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    public VideoProbe(FfmpegTools tools, ProbeLimitsProperties limits) {
        this.tools = tools;
        this.limits = limits;
    }

    /** A probe with the default format whitelist, for tests and tools. */
    public VideoProbe(FfmpegTools tools) {
        this(tools, ProbeLimitsProperties.defaults());
    }

    /** The ffprobe argv for {@code input}: JSON with format and streams, local files only. */
    public List<String> command(Path input) {
        return List.of(
                tools.ffprobePath(),
                "-v",
                "error",
                "-protocol_whitelist",
                "file",
                // only container demuxers: a playlist or concat list fails here before it opens any other file
                "-format_whitelist",
                String.join(",", limits.formats()),
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
                fileUrl(input));
    }

    /**
     * Reads the output of a run of {@link #command}.
     *
     * @throws MediaException "ffprobe timed out after ..." when the run hit its time limit (worth another attempt)
     * @throws NotAVideoException as {@link #parse(String, int, String)}
     */
    public ProbeResult parse(String stdout, ProcessResult run) {
        if (run.timedOut()) {
            throw new MediaException(run.failure("ffprobe"));
        }
        return parse(stdout, run.exitCode(), run.stderrTail());
    }

    /**
     * Reads ffprobe's output.
     *
     * @throws NotAVideoException when ffprobe failed, or the input has no playable video stream (audio, cover art,
     *     still image, zero duration or size)
     */
    public ProbeResult parse(String stdout, int exitCode, String stderr) {
        if (exitCode != 0) {
            Matcher refused = NOT_ON_WHITELIST.matcher(stderr == null ? "" : stderr);
            if (refused.find()) {
                throw new NotAVideoException(
                        isImageFormat(refused.group(1)) ? "image file" : "unsupported format " + refused.group(1));
            }
            throw new NotAVideoException(FfmpegErrors.reason(stderr));
        }
        JsonNode root;
        try {
            root = json.readTree(stdout == null ? "" : stdout);
        } catch (JsonProcessingException e) {
            throw new MediaException("cannot read ffprobe output: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || !root.has("format")) {
            throw new NotAVideoException("ffprobe found no media container");
        }
        JsonNode format = root.path("format");
        String formatName = format.path("format_name").asText("");
        if (isImageFormat(formatName)) {
            throw new NotAVideoException("image file");
        }
        if (REFUSED_FORMATS.contains(formatName)) {
            throw new NotAVideoException("unsupported format " + formatName);
        }

        List<JsonNode> streams = new ArrayList<>();
        root.path("streams").forEach(streams::add);
        JsonNode video = streams.stream()
                .filter(s -> "video".equals(s.path("codec_type").asText()))
                .filter(s -> s.path("disposition").path("attached_pic").asInt(0) == 0)
                .findFirst()
                .orElseThrow(() -> new NotAVideoException(
                        streams.stream().anyMatch(s -> "video"
                                        .equals(s.path("codec_type").asText()))
                                ? "only a still picture (cover art), no video stream"
                                : "no video stream"));
        String audioCodec = streams.stream()
                .filter(s -> "audio".equals(s.path("codec_type").asText()))
                .map(s -> s.path("codec_name").asText("unknown"))
                .findFirst()
                .orElse(null);

        double duration = positiveDouble(format.path("duration"));
        if (duration <= 0) {
            duration = positiveDouble(video.path("duration"));
        }
        if (duration <= 0) {
            throw new NotAVideoException("unknown or zero duration");
        }
        int codedWidth = video.path("width").asInt(0);
        int codedHeight = video.path("height").asInt(0);
        if (codedWidth <= 0 || codedHeight <= 0) {
            throw new NotAVideoException("missing video dimensions");
        }
        int width = displayWidth(codedWidth, video.path("sample_aspect_ratio").asText(""));
        int height = codedHeight;
        if (isQuarterTurn(video)) {
            int swap = width;
            width = height;
            height = swap;
        }
        double frameRate = rate(video.path("avg_frame_rate").asText(""));
        if (frameRate <= 0) {
            frameRate = rate(video.path("r_frame_rate").asText(""));
        }
        return new ProbeResult(
                duration,
                width,
                height,
                video.path("codec_name").asText("unknown"),
                audioCodec,
                frameRate,
                format.path("bit_rate").asLong(0),
                format.path("size").asLong(0),
                formatName,
                codedWidth,
                codedHeight,
                streams.size());
    }

    /** An explicit {@code file:} URL, so no part of a file name can be read as another protocol. */
    static String fileUrl(Path path) {
        return "file:" + path.toAbsolutePath().normalize();
    }

    private static boolean isImageFormat(String formatName) {
        return formatName.endsWith("_pipe") || IMAGE_FORMATS.contains(formatName);
    }

    private static boolean isQuarterTurn(JsonNode video) {
        double rotation = StreamSupport.stream(video.path("side_data_list").spliterator(), false)
                .filter(d -> d.has("rotation"))
                .mapToDouble(d -> d.path("rotation").asDouble(0))
                .findFirst()
                // older muxers store the rotation as a tag
                .orElseGet(() -> video.path("tags").path("rotate").asDouble(0));
        long quarterTurns = Math.round(rotation / 90.0);
        return Math.abs(rotation - quarterTurns * 90.0) < 1 && Math.floorMod(quarterTurns, 2) == 1;
    }

    private static int displayWidth(int codedWidth, String sampleAspectRatio) {
        double sar = rate(sampleAspectRatio.replace(':', '/'));
        return sar > 0 && Math.abs(sar - 1) > 1e-3 ? (int) Math.round(codedWidth * sar) : codedWidth;
    }

    private static double positiveDouble(JsonNode node) {
        try {
            double value = Double.parseDouble(node.asText(""));
            return Double.isFinite(value) && value > 0 ? value : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** "30000/1001" → 29.97; "0/0", "N/A" or garbage → 0. */
    static double rate(String fraction) {
        try {
            int slash = fraction.indexOf('/');
            if (slash < 0) {
                double value = Double.parseDouble(fraction);
                return Double.isFinite(value) && value > 0 ? value : 0;
            }
            double num = Double.parseDouble(fraction.substring(0, slash));
            double den = Double.parseDouble(fraction.substring(slash + 1));
            return num > 0 && den > 0 ? num / den : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
