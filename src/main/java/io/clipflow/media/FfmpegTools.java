package io.clipflow.media;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Locates ffmpeg and ffprobe once at startup, so a missing installation fails the node with a clear message
 * instead of failing every task; used by {@link VideoProbe}, {@link Thumbnail} and {@link HlsLadder}, and by route
 * video-process for the exec steps' executables.
 */
@Component("ffmpegTools")
public class FfmpegTools {

    private static final Logger log = LoggerFactory.getLogger(FfmpegTools.class);

    private final String ffmpegPath;
    private final String ffprobePath;
    private final String version;

    @Autowired
    public FfmpegTools(MediaProperties properties, FfmpegRunner runner) {
        this.ffmpegPath = resolve(properties.ffmpeg(), "clipflow.media.ffmpeg", System.getenv("PATH"));
        this.ffprobePath = resolve(properties.ffprobe(), "clipflow.media.ffprobe", System.getenv("PATH"));
        this.version = readVersion(runner, properties);
        log.info("using ffmpeg {} at {}, ffprobe at {}", version, ffmpegPath, ffprobePath);
    }

    /** Already resolved tools, for tests that only build command lines. */
    FfmpegTools(String ffmpegPath, String ffprobePath, String version) {
        this.ffmpegPath = ffmpegPath;
        this.ffprobePath = ffprobePath;
        this.version = version;
    }

    /** Absolute path of the ffmpeg executable. */
    public String ffmpegPath() {
        return ffmpegPath;
    }

    /** Absolute path of the ffprobe executable. */
    public String ffprobePath() {
        return ffprobePath;
    }

    /** The version ffmpeg reports, e.g. {@code 5.1.6-0+deb12u1}. */
    public String version() {
        return version;
    }

    static String resolve(String configured, String key, String searchPath) {
        Optional<Path> found;
        String searched;
        if (configured.contains(File.separator)) {
            found = executable(configured);
            searched = "at " + configured;
        } else {
            String dirs = searchPath == null ? "" : searchPath;
            found = List.of(dirs.split(File.pathSeparator)).stream()
                    .filter(dir -> !dir.isBlank())
                    .map(dir -> executable(dir + File.separator + configured))
                    .flatMap(Optional::stream)
                    .findFirst();
            searched = "on PATH (" + dirs + ")";
        }
        return found.map(Path::toString)
                .orElseThrow(() -> new FfmpegMissingException(("Cannot find an executable '%s' %s. Clipflow needs "
                                + "FFmpeg to probe and transcode videos: install it (Debian/Ubuntu: "
                                + "apt-get install -y ffmpeg; macOS: brew install ffmpeg), or set %s to the full path "
                                + "of the executable.")
                        .formatted(configured, searched, key)));
    }

    private static Optional<Path> executable(String candidate) {
        try {
            Path path = Path.of(candidate).toAbsolutePath().normalize();
            return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private String readVersion(FfmpegRunner runner, MediaProperties properties) {
        StringBuilder firstLine = new StringBuilder();
        ProcessResult result = runner.run(
                List.of(ffmpegPath, "-hide_banner", "-version"),
                properties.timeouts().probe(),
                line -> {
                    if (firstLine.isEmpty()) {
                        firstLine.append(line);
                    }
                });
        if (!result.succeeded()) {
            throw new FfmpegMissingException("'%s -version' failed (exit %d): %s. Check the FFmpeg installation or "
                            .formatted(
                                    ffmpegPath,
                                    result.exitCode(),
                                    result.stderrTail().strip())
                    + "set clipflow.media.ffmpeg to a working executable.");
        }
        return parseVersion(firstLine.toString());
    }

    static String parseVersion(String firstLine) {
        String prefix = "ffmpeg version ";
        if (!firstLine.startsWith(prefix)) {
            return "unknown";
        }
        String rest = firstLine.substring(prefix.length()).strip();
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }
}
