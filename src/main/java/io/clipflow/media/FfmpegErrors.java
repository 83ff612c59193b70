package io.clipflow.media;

import java.util.List;
import java.util.regex.Pattern;

/** Turns ffmpeg's stderr into short messages for task results (paths and log decorations removed). */
final class FfmpegErrors {

    private static final Pattern CONTEXT_PREFIX = Pattern.compile("^(\\[[^\\]]*@ ?0x[0-9a-f]+\\] *)+");
    private static final int MAX_MESSAGE = 600;

    private FfmpegErrors() {}

    /** The last {@code max} non-blank stderr lines, without {@code [demuxer @ 0x..]} prefixes, joined by "; ". */
    static String lastLines(String stderr, int max) {
        List<String> lines = meaningful(stderr);
        String joined = String.join("; ", lines.subList(Math.max(0, lines.size() - max), lines.size()));
        if (joined.isEmpty()) {
            return "no error output";
        }
        return joined.length() <= MAX_MESSAGE ? joined : "…" + joined.substring(joined.length() - MAX_MESSAGE);
    }

    /** ffmpeg's final complaint about an input, without the input's path: "Invalid data found when processing input". */
    static String reason(String stderr) {
        List<String> lines = meaningful(stderr);
        if (lines.isEmpty()) {
            return "ffprobe failed without a message";
        }
        String last = lines.get(lines.size() - 1);
        int colon = last.indexOf(": ");
        // ffmpeg prefixes the input's URL; only strip what we passed in (an absolute file path)
        if ((last.startsWith("file:") || last.startsWith("/")) && colon > 0) {
            last = last.substring(colon + 2);
        }
        return last.length() <= MAX_MESSAGE ? last : last.substring(0, MAX_MESSAGE) + "…";
    }

    private static List<String> meaningful(String stderr) {
        if (stderr == null) {
            return List.of();
        }
        return stderr.lines()
                .map(line -> CONTEXT_PREFIX.matcher(line).replaceFirst("").strip())
                .filter(line -> !line.isEmpty())
                .toList();
    }
}
