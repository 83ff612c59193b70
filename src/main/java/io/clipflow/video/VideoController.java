package io.clipflow.video;

import io.clipflow.security.ClipflowUser;
import io.clipflow.security.MediaUrlSigner;
import io.clipflow.web.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Page;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Read side of videos. A user sees only their own; another user's video is 404, so existence does not leak. */
@RestController
class VideoController {

    private final VideoService videos;
    private final MediaUrlSigner signer;

    VideoController(VideoService videos, MediaUrlSigner signer) {
        this.videos = videos;
        this.signer = signer;
    }

    @GetMapping("/api/videos/{id}")
    Map<String, Object> get(@PathVariable long id, @AuthenticationPrincipal ClipflowUser user) {
        return view(videos.find(id, user.ownerScope()).orElseThrow(() -> ApiException.notFound("video " + id)));
    }

    @GetMapping("/api/videos")
    Map<String, Object> list(
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String status,
            @AuthenticationPrincipal ClipflowUser user) {
        ApiException.checkPage(page, size);
        Page<Video> result = videos.search(user.ownerScope(), checkedQuery(q), parseStatus(status), page, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", result.getContent().stream().map(this::view).toList());
        body.put("page", page);
        body.put("size", size);
        body.put("total", result.getTotalElements());
        return body;
    }

    /** A title search of at most 200 characters. */
    static String checkedQuery(String q) {
        if (q != null && (q.length() > 200 || q.chars().anyMatch(Character::isISOControl))) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "q must be at most 200 printable characters");
        }
        return q;
    }

    /** A status filter: one of VideoStatus but DELETED, any case; blank means none. */
    static VideoStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            VideoStatus parsed = VideoStatus.valueOf(status.strip().toUpperCase(java.util.Locale.ROOT));
            if (parsed != VideoStatus.DELETED) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new ApiException(
                HttpStatus.BAD_REQUEST,
                "bad request",
                "status must be one of UPLOADED, QUEUED, PROCESSING, READY, FAILED");
    }

    @DeleteMapping("/api/videos/{id}")
    ResponseEntity<Void> delete(@PathVariable long id, @AuthenticationPrincipal ClipflowUser user) {
        if (!videos.delete(id, user.ownerScope())) {
            throw ApiException.notFound("video " + id);
        }
        return ResponseEntity.noContent().build();
    }

    private Map<String, Object> view(Video v) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", v.getId());
        body.put("title", v.getTitle());
        body.put("status", v.getStatus().name());
        body.put("duration_seconds", v.getDurationSeconds());
        body.put("width", v.getWidth());
        body.put("height", v.getHeight());
        body.put("size_bytes", v.getSizeBytes());
        List<Map<String, Object>> renditions = v.getRenditions().stream()
                .map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", r.getName());
                    m.put("width", r.getWidth());
                    m.put("height", r.getHeight());
                    m.put("bandwidth", r.getBandwidth());
                    return m;
                })
                .toList();
        body.put("renditions", renditions);
        boolean ready = v.getStatus() == VideoStatus.READY;
        body.put(
                "hls_url",
                ready && v.getMasterPlaylistPath() != null
                        ? absolute(signer.sign(v.getId(), "hls/master.m3u8"))
                        : null);
        body.put(
                "thumbnail_url",
                ready && v.getThumbnailPath() != null ? absolute(signer.sign(v.getId(), "thumbnail.jpg")) : null);
        body.put("error", v.getError());
        body.put("task_id", v.getTaskId());
        body.put("created_at", v.getCreatedAt().toString());
        body.put("updated_at", v.getUpdatedAt().toString());
        return body;
    }

    private static String absolute(String path) {
        return ServletUriComponentsBuilder.fromCurrentContextPath().path(path).toUriString();
    }
}
