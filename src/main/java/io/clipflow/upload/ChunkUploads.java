package io.clipflow.upload;

import io.clipflow.lock.LeaseLockRepository;
import io.clipflow.storage.MediaStore;
import io.clipflow.video.UploadedFile;
import io.clipflow.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Seed 001's chunk-and-merge upload: chunks of one file (named by its MD5, per user) arrive in any order into a staging
 * folder of their own, a re-sent chunk replaces the one before, and the merge streams them in order into one staged
 * file while hashing it. Only a whole file whose MD5 is the one announced goes to route video-upload; anything else is
 * a 400 that says what is wrong, and nothing is queued.
 */
@Component
class ChunkUploads {

    static final int MAX_CHUNKS = 10_000;

    private final MediaStore store;
    private final LeaseLockRepository lock;
    private final UploadSubmission submission;
    private final UploadProperties properties;
    private final PendingVideos pending;

    ChunkUploads(
            MediaStore store,
            @Qualifier("uploadLock") LeaseLockRepository lock,
            UploadSubmission submission,
            UploadProperties properties,
            PendingVideos pending) {
        this.store = store;
        this.lock = lock;
        this.submission = submission;
        this.properties = properties;
        this.pending = pending;
    }

    /** Which chunks of a file are here, and which are missing. */
    record Progress(String fileMd5, int chunksTotal, List<Integer> received, List<Integer> missing) {}

    /** Stores chunk {@code index} (replacing one sent before); returns what is here now. */
    Progress store(long ownerId, String fileMd5, int index, int total, InputStream chunk) {
        String md5 = checkedMd5(fileMd5);
        checkTotal(total);
        if (index < 0 || index >= total) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "bad request",
                    "chunk_index must be from 0 to chunks_total - 1 (" + (total - 1) + ")");
        }
        Path dir = store.stagingDir(folder(ownerId, md5));
        Path partial = dir.resolve(index + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.copy(chunk, partial);
            // a re-sent chunk replaces the earlier one whole, never half
            Files.move(
                    partial,
                    dir.resolve(index + ".chunk"),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UncheckedIOException(e);
        }
        return progress(ownerId, md5, total);
    }

    Progress progress(long ownerId, String fileMd5, int total) {
        String md5 = checkedMd5(fileMd5);
        checkTotal(total);
        Path dir = store.stagingDir(folder(ownerId, md5));
        List<Integer> received = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        IntStream.range(0, total)
                .forEach(i -> (Files.isRegularFile(dir.resolve(i + ".chunk")) ? received : missing).add(i));
        return new Progress(md5, total, received, missing);
    }

    /**
     * Joins the chunks in order, checks the MD5 of the whole and hands the file to route video-upload: 400 listing
     * missing chunks, 400 on an MD5 mismatch (the chunks stay, so a client can send the bad ones again), 413 over the
     * upload limit, 429 with too many videos pending, 409 while the same file is being merged.
     */
    Map<String, Object> merge(long ownerId, String fileName, String fileMd5, int total, String title) {
        String md5 = checkedMd5(fileMd5);
        Progress progress = progress(ownerId, md5, total);
        if (!progress.missing().isEmpty()) {
            List<Integer> shown = progress.missing()
                    .subList(0, Math.min(50, progress.missing().size()));
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "missing chunks",
                    progress.missing().size() + " of " + total + " chunks are missing: " + shown
                            + (shown.size() < progress.missing().size() ? " …" : ""));
        }
        pending.check(ownerId);
        String key = folder(ownerId, md5);
        if (!lock.add(key)) {
            throw new ApiException(HttpStatus.CONFLICT, "conflict", "this file is being merged already");
        }
        Path dir = store.stagingDir(key);
        Path merged = store.newIncomingFile();
        try {
            long size = join(dir, total, merged, md5);
            Map<String, Object> reply = submission.submit(
                    new UploadedFile(merged, UploadController.displayName(fileName), size, title, ownerId));
            store.deleteStagingDir(key);
            return reply;
        } finally {
            deleteQuietly(merged);
            lock.remove(key);
        }
    }

    private long join(Path dir, int total, Path merged, String md5) {
        long max = properties.maxSize().toBytes();
        long size = 0;
        for (int i = 0; i < total; i++) {
            size += sizeOf(dir.resolve(i + ".chunk"));
        }
        if (size > max) {
            throw new ApiException(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    "upload too large",
                    "the chunks add up to " + size + " bytes, over the limit of " + max);
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(merged), digest)) {
            for (int i = 0; i < total; i++) {
                Files.copy(dir.resolve(i + ".chunk"), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(md5)) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "md5 mismatch",
                    "the merged file's MD5 is " + actual + ", not " + md5 + "; send the chunks again");
        }
        return size;
    }

    private static String folder(long ownerId, String md5) {
        return "chunks-" + ownerId + "-" + md5;
    }

    private static String checkedMd5(String md5) {
        String lower = md5 == null ? "" : md5.strip().toLowerCase(Locale.ROOT);
        if (!lower.matches("[0-9a-f]{32}")) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "file_md5 must be 32 hexadecimal digits");
        }
        return lower;
    }

    private static void checkTotal(int total) {
        if (total < 1 || total > MAX_CHUNKS) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST, "bad request", "chunks_total must be from 1 to " + MAX_CHUNKS);
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left for the cleanup schedule
        }
    }
}
