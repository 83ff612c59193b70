package io.clipflow.storage;

import io.clipflow.config.ClipflowProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * The media folder: {@code <videoId>/original.<ext>}, {@code thumbnail.jpg}, {@code hls/...}. Every name on disk is
 * generated here; a client's file name never becomes a path, and every resolved path is checked to stay under the
 * root. Uploads are staged in {@code .incoming/} on the same file system so adopting them is a rename, not a copy.
 */
@Component("mediaStore")
public class MediaStore {

    /** Extensions kept from a client's name (cosmetic only: content is judged by ffprobe); others become "bin". */
    private static final Set<String> KNOWN_EXTENSIONS = Set.of(
            "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "mts", "m2ts", "flv", "wmv", "3gp", "ogv");

    private final Path root;
    private final Path incoming;
    private final Path multipartTmp;

    public MediaStore(ClipflowProperties properties) {
        this.root = properties.mediaDir().toAbsolutePath().normalize();
        this.incoming = root.resolve(".incoming");
        this.multipartTmp = properties.dataDir().resolve("tmp").toAbsolutePath().normalize();
        try {
            Files.createDirectories(incoming);
            Files.createDirectories(properties.dataDir().resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the media folder " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** A fresh staging file for an upload in progress. */
    public Path newIncomingFile() {
        return incoming.resolve(UUID.randomUUID() + ".part");
    }

    /** Moves a staged upload into {@code <videoId>/original.<ext>}; returns its path relative to the root. */
    public String adopt(Path staged, long videoId, String clientFileName) {
        Path target = videoDir(videoId).resolve("original." + extensionOf(clientFileName));
        try {
            Files.createDirectories(target.getParent());
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store upload for video " + videoId, e);
        }
        return relative(target);
    }

    public Path videoDir(long videoId) {
        return checked(root.resolve(Long.toString(videoId)));
    }

    public Path hlsDir(long videoId) {
        return videoDir(videoId).resolve("hls");
    }

    public Path thumbnail(long videoId) {
        return videoDir(videoId).resolve("thumbnail.jpg");
    }

    /** Resolves a stored relative path (from the database), refusing anything that would leave the root. */
    public Path resolve(String relative) {
        return checked(root.resolve(relative));
    }

    /**
     * Resolves a path requested over HTTP inside one video's folder; empty when it is malformed or escapes the folder
     * (dot segments, absolute paths, NUL, backslashes, encoded separators that arrive decoded).
     */
    public Optional<Path> resolveServable(long videoId, String requested) {
        if (requested == null
                || requested.isEmpty()
                || requested.length() > 512
                || requested.indexOf('\0') >= 0
                || requested.indexOf('\\') >= 0
                || requested.startsWith("/")) {
            return Optional.empty();
        }
        for (String segment : requested.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return Optional.empty();
            }
        }
        Path dir = videoDir(videoId);
        Path path = dir.resolve(requested).normalize();
        if (!path.startsWith(dir) || !Files.isRegularFile(path)) {
            return Optional.empty();
        }
        return Optional.of(path);
    }

    public String relative(Path path) {
        return root.relativize(checked(path)).toString();
    }

    /** Deletes a video's outputs (thumbnail, HLS) but keeps the original, e.g. before reprocessing. */
    public void clearOutputs(long videoId) {
        deleteTree(hlsDir(videoId));
        try {
            Files.deleteIfExists(thumbnail(videoId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a video's whole folder (original and outputs); returns the bytes it held. */
    public long deleteVideo(long videoId) {
        Path dir = videoDir(videoId);
        long bytes = sizeOf(dir);
        deleteTree(dir);
        return bytes;
    }

    /** Bytes of regular files under {@code dir} (0 when it does not exist). */
    public static long sizeOf(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0; // removed while walking
                        }
                    })
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /**
     * Removes upload sessions abandoned before {@code before}: staged {@code .part} files and multipart spool files
     * that no request will finish any more. Returns how many files were removed.
     */
    public int removeStaleUploads(java.time.Instant before) {
        int removed = 0;
        for (Path dir : List.of(incoming, multipartTmp)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(before) && Files.deleteIfExists(f)) {
                        removed++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return removed;
    }

    public void deleteTree(Path dir) {
        Path checkedDir = checked(dir);
        if (!Files.exists(checkedDir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(checkedDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String extensionOf(String clientFileName) {
        if (clientFileName == null) {
            return "bin";
        }
        int dot = clientFileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : clientFileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return KNOWN_EXTENSIONS.contains(ext) ? ext : "bin";
    }

    private Path checked(Path path) {
        Path normalized = path.toAbsolutePath().normalize();
        if (!normalized.startsWith(root)) {
            throw new IllegalArgumentException("path escapes the media root");
        }
        return normalized;
    }
}
