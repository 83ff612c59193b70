package io.clipflow.security;

import io.clipflow.config.ClipflowProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Signed, expiring media URLs: {@code /media/<videoId>/<expires>/<signature>/<file>}. The signature covers the video id
 * and the expiry, so the relative segment and playlist URIs inside the HLS playlists inherit it: players and ffprobe
 * fetch them without any header, and a leaked URL stops working when it expires.
 */
@Component
public class MediaUrlSigner {

    private final byte[] key;
    private final SecurityProperties properties;
    private final Clock clock;

    MediaUrlSigner(SecurityProperties properties, ClipflowProperties clipflow, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.key = properties.mediaSecret().isBlank()
                ? persistentSecret(clipflow.dataDir().resolve("media-secret"))
                : properties.mediaSecret().getBytes(StandardCharsets.UTF_8);
    }

    /** The URL path (no host) for a file inside a video's folder, e.g. {@code hls/master.m3u8}. */
    public String sign(long videoId, String file) {
        long expires = clock.instant().plus(properties.mediaUrlLifetime()).getEpochSecond();
        return "/media/" + videoId + "/" + expires + "/" + signature(videoId, expires) + "/" + file;
    }

    public boolean verify(long videoId, long expires, String signature) {
        if (expires < clock.instant().getEpochSecond()) {
            return false;
        }
        return MessageDigest.isEqual(
                signature(videoId, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(long videoId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((videoId + ":" + expires).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] persistentSecret(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                return Base64.getDecoder().decode(Files.readString(file).trim());
            }
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getEncoder().encodeToString(secret));
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the media URL secret " + file, e);
        }
    }
}
