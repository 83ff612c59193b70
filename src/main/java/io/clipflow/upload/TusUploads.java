package io.clipflow.upload;

import io.clipflow.lock.LeaseLockRepository;
import io.clipflow.security.ClipflowUser;
import io.clipflow.storage.MediaStore;
import io.clipflow.video.UploadedFile;
import io.clipflow.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * tus 1.0 uploads (core, creation, creation-with-upload, checksum, termination, expiration): the bytes go to the media
 * store's staging folder, the row keeps the offset that is known good, and one PATCH at a time per upload holds the
 * Redis lease lock {@code lock:upload:<id>} (another gets 423), on whichever node it arrives. A complete upload goes
 * through route video-upload exactly as a multipart upload does.
 */
@Component
public class TusUploads {

    private static final Logger log = LoggerFactory.getLogger(TusUploads.class);

    /** Upload-Checksum algorithms, by their tus names. */
    static final Map<String, String> CHECKSUMS = Map.of("sha1", "SHA-1", "md5", "MD5", "sha256", "SHA-256");

    private static final int MAX_METADATA = 4096;

    private final TusUploadRepository uploads;
    private final MediaStore store;
    private final LeaseLockRepository lock;
    private final UploadSubmission submission;
    private final UploadProperties properties;
    private final PendingVideos pending;
    private final Clock clock;

    TusUploads(
            TusUploadRepository uploads,
            MediaStore store,
            @Qualifier("uploadLock") LeaseLockRepository lock,
            UploadSubmission submission,
            UploadProperties properties,
            PendingVideos pending,
            Clock clock) {
        this.uploads = uploads;
        this.store = store;
        this.lock = lock;
        this.submission = submission;
        this.properties = properties;
        this.pending = pending;
        this.clock = clock;
    }

    /** What a PATCH did: the new offset and, when it completed the upload, the route's 202 reply. */
    record Appended(long offset, Instant expires, Map<String, Object> completed) {}

    /** A new upload of {@code length} bytes; 413 over the upload limit and 429 with too much pending, before any byte. */
    TusUpload create(ClipflowUser user, long length, String metadataHeader) {
        if (length == 0) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "the file is empty");
        }
        long max = properties.maxSize().toBytes();
        if (length > max) {
            throw new ApiException(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    "upload too large",
                    "Upload-Length " + length + " exceeds the limit of " + max + " bytes");
        }
        Map<String, String> metadata = metadata(metadataHeader);
        String title = UploadController.checkTitle(metadata.get("title"));
        pending.check(user.id());
        String name = UploadController.displayName(metadata.getOrDefault("filename", metadata.get("name")));
        Instant now = clock.instant();
        TusUpload upload = new TusUpload(
                UUID.randomUUID().toString(),
                user.id(),
                length,
                name,
                title,
                metadataHeader == null ? "" : metadataHeader,
                now,
                now.plus(properties.tusExpiration()));
        try {
            Files.write(part(upload.getId()), new byte[0], StandardOpenOption.CREATE_NEW);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uploads.save(upload);
    }

    /** The caller's upload (an admin's: anyone's); 404 when it is not theirs or not there, 410 once expired. */
    TusUpload visible(String id, ClipflowUser user) {
        TusUpload upload = uploads.findVisible(isUploadId(id) ? id : "", user.ownerScope())
                .orElseThrow(() -> ApiException.notFound("upload " + id));
        if (!upload.isComplete() && upload.getExpiresAt().isBefore(clock.instant())) {
            throw new ApiException(HttpStatus.GONE, "gone", "upload " + id + " expired at " + upload.getExpiresAt());
        }
        return upload;
    }

    /**
     * Appends a PATCH body at {@code offset}. Under the upload's lock: the offset is read again (409 when it is not
     * the client's), bytes past the known-good offset (a write cut short) are dropped, the body is written and hashed
     * as it streams. A checksum mismatch (460) or a body longer than the upload (413) leaves the offset where it was.
     * A connection that drops keeps what arrived (there is no checksum to hold it against), so the client resumes from
     * there.
     */
    Appended append(String id, ClipflowUser user, long offset, InputStream body, String checksumHeader) {
        MessageDigest digest = null;
        byte[] expected = null;
        if (checksumHeader != null) {
            String[] parts = checksumHeader.strip().split(" ", 2);
            String algorithm = CHECKSUMS.get(parts[0].toLowerCase(Locale.ROOT));
            if (algorithm == null || parts.length != 2) {
                throw new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "bad request",
                        "Upload-Checksum must be '<algorithm> <base64>' with one of " + CHECKSUMS.keySet());
            }
            try {
                digest = MessageDigest.getInstance(algorithm);
                expected = Base64.getDecoder().decode(parts[1].strip());
            } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "Upload-Checksum is not valid base64");
            }
        }
        visible(id, user);
        lockOrRefuse(id);
        try {
            TusUpload upload = uploads.findById(id).orElseThrow(() -> ApiException.notFound("upload " + id));
            if (upload.getOffset() != offset) {
                throw new TusRefusal(
                        409, "conflict", "Upload-Offset is " + offset + " but the upload is at " + upload.getOffset());
            }
            if (upload.isComplete()) {
                throw new TusRefusal(409, "conflict", "upload " + id + " is already complete");
            }
            long written = write(upload, body, digest, expected);
            upload.setOffset(offset + written);
            upload.setExpiresAt(clock.instant().plus(properties.tusExpiration()));
            uploads.save(upload);
            Map<String, Object> completed = upload.isComplete() ? complete(upload) : null;
            return new Appended(upload.getOffset(), upload.getExpiresAt(), completed);
        } finally {
            lock.remove(id);
        }
    }

    private long write(TusUpload upload, InputStream body, MessageDigest digest, byte[] expected) {
        long start = upload.getOffset();
        long room = upload.getLength() - start;
        long written = 0;
        Path part = part(upload.getId());
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
            if (channel.size() < start) {
                throw new ApiException(
                        HttpStatus.GONE, "gone", "the bytes of upload " + upload.getId() + " are gone; start again");
            }
            channel.truncate(start);
            channel.position(start);
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = body.read(buffer)) > 0) {
                    if (written + n > room) {
                        channel.truncate(start);
                        throw new ApiException(
                                HttpStatus.PAYLOAD_TOO_LARGE,
                                "upload too large",
                                "the body goes past Upload-Length " + upload.getLength());
                    }
                    if (digest != null) {
                        digest.update(buffer, 0, n);
                    }
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                    written += n;
                }
            } catch (IOException e) {
                // the client went away mid-body: keep what arrived, unless a checksum was to vouch for all of it
                if (digest != null) {
                    channel.truncate(start);
                    throw new UncheckedIOException(e);
                }
                channel.force(false);
                upload.setOffset(start + written);
                uploads.save(upload);
                log.info(
                        "upload {}: the connection dropped at offset {}; kept for a resume",
                        upload.getId(),
                        start + written);
                throw new UncheckedIOException(e);
            }
            if (digest != null && !MessageDigest.isEqual(digest.digest(), expected)) {
                channel.truncate(start);
                throw new TusRefusal(
                        TusRefusal.CHECKSUM_MISMATCH,
                        "checksum mismatch",
                        "the body does not match its Upload-Checksum; nothing of it was kept");
            }
            channel.force(false);
            return written;
        } catch (NoSuchFileException e) {
            throw new ApiException(
                    HttpStatus.GONE, "gone", "the bytes of upload " + upload.getId() + " are gone; start again");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write upload " + upload.getId(), e);
        }
    }

    /** The staged bytes become a video through route video-upload; an upload it refuses is removed. */
    private Map<String, Object> complete(TusUpload upload) {
        Path part = part(upload.getId());
        try {
            Map<String, Object> reply = submission.submit(new UploadedFile(
                    part, upload.getFileName(), upload.getLength(), upload.getTitle(), upload.getOwnerId()));
            Object video = reply.get("video");
            long videoId = video instanceof Map<?, ?> m && m.get("id") instanceof Number n ? n.longValue() : -1;
            upload.completed(videoId, String.valueOf(reply.get("task_id")));
            uploads.save(upload);
            return reply;
        } catch (ApiException e) {
            if (e.status().is4xxClientError()) {
                remove(upload);
            }
            throw e;
        }
    }

    /** Termination: the upload and its bytes are gone (a finished upload's video stays); 423 while a PATCH writes. */
    void terminate(String id, ClipflowUser user) {
        TusUpload upload = uploads.findVisible(isUploadId(id) ? id : "", user.ownerScope())
                .orElseThrow(() -> ApiException.notFound("upload " + id));
        lockOrRefuse(id);
        try {
            remove(upload);
        } finally {
            lock.remove(id);
        }
    }

    /** Removes expired uploads (unfinished ones and the records of finished ones); returns how many. */
    public int removeExpired() {
        int removed = 0;
        for (TusUpload upload : uploads.findTop500ByExpiresAtBefore(clock.instant())) {
            if (lock.add(upload.getId())) {
                try {
                    remove(upload);
                    removed++;
                } finally {
                    lock.remove(upload.getId());
                }
            }
        }
        return removed;
    }

    /** Takes the upload's lease lock, or refuses with 423 while another request holds it. */
    private void lockOrRefuse(String id) {
        if (!lock.add(id)) {
            throw new TusRefusal(423, "locked", "another request is writing to upload " + id + "; retry shortly");
        }
    }

    private void remove(TusUpload upload) {
        try {
            Files.deleteIfExists(part(upload.getId()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        uploads.delete(upload);
    }

    private Path part(String id) {
        return store.stagingFile("tus-" + id);
    }

    private static boolean isUploadId(String id) {
        try {
            return id != null && UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Upload-Metadata: comma-separated {@code key base64value} pairs (a key alone has no value). Keys are ASCII
     * without spaces or commas, unique; the whole header is at most {@value #MAX_METADATA} characters.
     */
    static Map<String, String> metadata(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        if (header.length() > MAX_METADATA) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST, "bad request", "Upload-Metadata is longer than " + MAX_METADATA);
        }
        for (String pair : header.split(",")) {
            String[] kv = pair.strip().split(" ", 2);
            String key = kv[0];
            if (!key.matches("[A-Za-z0-9_.\\-]{1,64}") || out.containsKey(key)) {
                throw new ApiException(
                        HttpStatus.BAD_REQUEST, "bad request", "Upload-Metadata has a bad or repeated key");
            }
            try {
                out.put(
                        key,
                        kv.length == 2
                                ? new String(Base64.getDecoder().decode(kv[1].strip()), StandardCharsets.UTF_8)
                                : "");
            } catch (IllegalArgumentException e) {
                throw new ApiException(
                        HttpStatus.BAD_REQUEST, "bad request", "Upload-Metadata value of " + key + " is not base64");
            }
        }
        return out;
    }
}
