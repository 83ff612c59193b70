package io.clipflow.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks what ffmpeg's HLS muxer wrote: a process that exits 0 can still leave a partial tree behind. */
final class HlsPlaylists {

    static final String MASTER = "master.m3u8";
    // not AVERAGE-BANDWIDTH
    private static final Pattern BANDWIDTH = Pattern.compile("(?:^|,)BANDWIDTH=(\\d+)");

    private HlsPlaylists() {}

    /** @return {@code plan} with bandwidth and segment counts from the playlists */
    static List<Rendition> verify(Path hlsDir, List<Rendition> plan) {
        Path master = hlsDir.resolve(MASTER);
        if (!Files.isRegularFile(master)) {
            throw new MediaException("transcode failed: no " + MASTER + " was written");
        }
        Map<String, Long> variants = variants(readLines(master));
        List<Rendition> verified = new ArrayList<>();
        for (Rendition rendition : plan) {
            Long bandwidth = variants.get(rendition.playlist());
            if (bandwidth == null) {
                throw new MediaException("transcode failed: " + MASTER + " does not list " + rendition.playlist());
            }
            int segments = verifyMediaPlaylist(hlsDir, rendition.playlist());
            verified.add(rendition.withOutput(bandwidth, segments));
        }
        return verified;
    }

    /** Variant URI → BANDWIDTH from a master playlist. */
    static Map<String, Long> variants(List<String> masterLines) {
        Map<String, Long> variants = new HashMap<>();
        Long pending = null;
        for (String raw : masterLines) {
            String line = raw.strip();
            if (line.startsWith("#EXT-X-STREAM-INF:")) {
                Matcher m = BANDWIDTH.matcher(line.substring("#EXT-X-STREAM-INF:".length()));
                pending = m.find() ? Long.parseLong(m.group(1)) : 0L;
            } else if (!line.isEmpty() && !line.startsWith("#") && pending != null) {
                variants.put(line, pending);
                pending = null;
            }
        }
        return variants;
    }

    private static int verifyMediaPlaylist(Path hlsDir, String relative) {
        Path playlist = hlsDir.resolve(relative).normalize();
        if (!Files.isRegularFile(playlist)) {
            throw new MediaException("transcode failed: " + relative + " was not written");
        }
        List<String> lines = readLines(playlist);
        if (lines.stream().noneMatch(l -> l.strip().equals("#EXT-X-ENDLIST"))) {
            throw new MediaException("transcode failed: " + relative + " is incomplete (no #EXT-X-ENDLIST)");
        }
        List<String> segments = lines.stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        if (segments.isEmpty()) {
            throw new MediaException("transcode failed: " + relative + " has no segments");
        }
        for (String segment : segments) {
            Path file = playlist.getParent().resolve(segment).normalize();
            try {
                if (!file.startsWith(hlsDir) || !Files.isRegularFile(file) || Files.size(file) == 0) {
                    throw new MediaException(
                            "transcode failed: " + relative + " references missing segment " + segment);
                }
            } catch (IOException e) {
                throw new MediaException("transcode failed: cannot read segment " + segment + ": " + e.getMessage(), e);
            }
        }
        return segments.size();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new MediaException("transcode failed: cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
