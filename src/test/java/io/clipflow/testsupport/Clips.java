package io.clipflow.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Test media generated on the fly with ffmpeg's lavfi sources, so no binary fixtures live in the repository.
 *
 * <p>Needs {@code ffmpeg} on {@code PATH}. Clips are H.264 (ultrafast) + AAC in MP4, 25 fps, with the
 * {@code testsrc2} pattern and a 440 Hz tone. Keep them short and small: a 1280x720 3 s clip takes ~0.3 s.
 */
public final class Clips {

    private static final long GENERATE_TIMEOUT_SECONDS = 60;

    private Clips() {}

    /**
     * Writes {@code dir/name}, an MP4 clip.
     *
     * @param width even, in pixels (4:2:0 H.264 needs even sizes)
     * @param height even, in pixels
     * @param seconds duration
     * @param withAudio add an AAC sine tone track
     * @return the clip's path
     */
    public static Path generate(Path dir, String name, int width, int height, double seconds, boolean withAudio) {
        if (width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("width and height must be even: " + width + "x" + height);
        }
        Path out = dir.resolve(name);
        String duration = String.format(Locale.ROOT, "%.3f", seconds);
        List<String> argv =
                ffmpegFromLavfi("testsrc2=size=%dx%d:rate=25:duration=%s".formatted(width, height, duration));
        if (withAudio) {
            argv.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:duration=" + duration));
        }
        argv.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
        if (withAudio) {
            argv.addAll(List.of("-c:a", "aac"));
        }
        argv.addAll(List.of("-f", "mp4", "-y", out.toString()));
        run(argv);
        return out;
    }

    /** Writes {@code dir/name} with a few lines of plain text: an upload that only pretends to be a video. */
    public static Path textFile(Path dir, String name) {
        Path out = dir.resolve(name);
        try {
            Files.writeString(
                    out, "This is not a video.\nJust some text pretending to be one.\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + out, e);
        }
        return out;
    }

    /**
     * A decompression bomb in miniature: one black frame that declares {@code size}x{@code size} pixels, stored as a
     * 1-bit PNG in a MOV container (a few kilobytes that would decode to hundreds of megabytes).
     */
    public static Path bomb(Path dir, String name, int size) {
        Path out = dir.resolve(name);
        List<String> argv = ffmpegFromLavfi("color=black:s=%dx%d:r=25:d=0.04".formatted(size, size));
        argv.addAll(List.of("-frames:v", "1", "-pix_fmt", "monob", "-c:v", "png", "-f", "mov", "-y", out.toString()));
        run(argv);
        return out;
    }

    /** A tiny clip with a chosen frame rate and {@code audioStreams} copies of a sine track (stream-count limits). */
    public static Path custom(Path dir, String name, int fps, double seconds, int audioStreams) {
        Path out = dir.resolve(name);
        String duration = String.format(Locale.ROOT, "%.3f", seconds);
        List<String> argv = ffmpegFromLavfi("testsrc2=size=64x64:rate=%d:duration=%s".formatted(fps, duration));
        if (audioStreams > 0) {
            argv.addAll(List.of("-f", "lavfi", "-i", "sine=duration=" + duration));
        }
        argv.addAll(List.of("-map", "0:v"));
        for (int i = 0; i < audioStreams; i++) {
            argv.addAll(List.of("-map", "1:a"));
        }
        argv.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
        if (audioStreams > 0) {
            argv.addAll(List.of("-c:a", "aac", "-b:a", "16k"));
        }
        argv.addAll(List.of("-f", "mp4", "-y", out.toString()));
        run(argv);
        return out;
    }

    /** A quiet ffmpeg command line reading a lavfi source; callers append inputs, codecs and the output. */
    private static List<String> ffmpegFromLavfi(String source) {
        return new ArrayList<>(
                List.of("ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-f", "lavfi", "-i", source));
    }

    /** Writes {@code text} to {@code dir/name}: playlists, concat lists and other crafted inputs. */
    public static Path text(Path dir, String name, String text) {
        Path out = dir.resolve(name);
        try {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + out, e);
        }
        return out;
    }

    private static void run(List<String> argv) {
        try {
            File log = Files.createTempFile("clips-", ".log").toFile();
            try {
                Process process = new ProcessBuilder(argv)
                        .redirectErrorStream(true)
                        .redirectOutput(log)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                if (!process.waitFor(GENERATE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new IllegalStateException("ffmpeg did not finish generating a clip: " + argv);
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("ffmpeg failed generating a clip (exit %d): %s%n%s"
                            .formatted(process.exitValue(), argv, Files.readString(log.toPath())));
                }
            } finally {
                Files.deleteIfExists(log.toPath());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ffmpeg (is it installed? apt-get install -y ffmpeg)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating a clip", e);
        }
    }
}
