package io.clipflow.video;

import io.clipflow.security.MediaUrlSigner;
import io.clipflow.storage.MediaStore;
import io.clipflow.web.ApiException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves thumbnails, playlists and segments behind signed URLs ({@link MediaUrlSigner}), with the content types HLS
 * players expect and byte ranges. Only a READY video's thumbnail and hls/ folder are servable; never the original.
 */
@RestController
class MediaController {

    private static final MediaType M3U8 = MediaType.parseMediaType("application/vnd.apple.mpegurl");
    private static final MediaType TS = MediaType.parseMediaType("video/mp2t");

    private final MediaUrlSigner signer;
    private final MediaStore store;
    private final VideoService videos;

    MediaController(MediaUrlSigner signer, MediaStore store, VideoService videos) {
        this.signer = signer;
        this.store = store;
        this.videos = videos;
    }

    @GetMapping("/media/{videoId}/{expires}/{signature}/{*file}")
    ResponseEntity<Resource> media(
            @PathVariable long videoId,
            @PathVariable long expires,
            @PathVariable String signature,
            @PathVariable String file) {
        if (!signer.verify(videoId, expires, signature)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "the media URL is invalid or has expired");
        }
        String relative = file.startsWith("/") ? file.substring(1) : file;
        MediaType type = typeOf(relative);
        if (type == null || !(relative.equals("thumbnail.jpg") || relative.startsWith("hls/"))) {
            throw ApiException.notFound("media file");
        }
        if (videos.find(videoId, null)
                .filter(v -> v.getStatus() == VideoStatus.READY)
                .isEmpty()) {
            throw ApiException.notFound("media file");
        }
        Path path = store.resolveServable(videoId, relative).orElseThrow(() -> ApiException.notFound("media file"));
        return ResponseEntity.ok()
                .contentType(type)
                .cacheControl(CacheControl.maxAge(1, TimeUnit.HOURS).cachePrivate())
                .body(new FileSystemResource(path));
    }

    private static MediaType typeOf(String name) {
        if (name.endsWith(".m3u8")) {
            return M3U8;
        }
        if (name.endsWith(".ts")) {
            return TS;
        }
        if (name.endsWith(".jpg")) {
            return MediaType.IMAGE_JPEG;
        }
        return null;
    }
}
