package io.clipflow.upload;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.clipflow.security.ClipflowUser;
import io.clipflow.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Seed 001's chunked upload, for front ends written against the Django API: {@code POST /api/videos/upload-chunk/}
 * per chunk, {@code GET} of the same path to see which chunks are here (to resume), then {@code POST
 * /api/videos/merge-chunks/}. See {@link ChunkUploads}; tus ({@link TusController}) is the documented way.
 */
@RestController
class ChunkUploadController {

    private static final int MAX_TITLE = 255;

    private final ChunkUploads chunks;

    ChunkUploadController(ChunkUploads chunks) {
        this.chunks = chunks;
    }

    @PostMapping(
            path = {"/api/videos/upload-chunk", "/api/videos/upload-chunk/"},
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Map<String, Object> upload(
            @RequestParam("file_md5") String fileMd5,
            @RequestParam("chunk_index") int chunkIndex,
            @RequestParam("chunks_total") int chunksTotal,
            @RequestPart(name = "chunk", required = false) MultipartFile chunk,
            @RequestPart(name = "file", required = false) MultipartFile file,
            @AuthenticationPrincipal ClipflowUser user)
            throws IOException {
        MultipartFile part = chunk != null ? chunk : file;
        if (part == null || part.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "the chunk part is missing or empty");
        }
        try (InputStream in = part.getInputStream()) {
            Map<String, Object> body = view(chunks.store(user.id(), fileMd5, chunkIndex, chunksTotal, in));
            body.put("detail", "分片上传成功");
            body.put("chunk_index", chunkIndex);
            return body;
        }
    }

    @GetMapping({"/api/videos/upload-chunk", "/api/videos/upload-chunk/"})
    Map<String, Object> progress(
            @RequestParam("file_md5") String fileMd5,
            @RequestParam("chunks_total") int chunksTotal,
            @AuthenticationPrincipal ClipflowUser user) {
        return view(chunks.progress(user.id(), fileMd5, chunksTotal));
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Merge(
            @NotBlank @Size(max = 1000) String fileName,
            @NotBlank String fileMd5,
            @NotNull Integer chunksTotal,
            @Size(max = MAX_TITLE) String title) {}

    @PostMapping({"/api/videos/merge-chunks", "/api/videos/merge-chunks/"})
    ResponseEntity<Map<String, Object>> merge(
            @Valid @RequestBody Merge body, @AuthenticationPrincipal ClipflowUser user) {
        String title = UploadController.checkTitle(body.title());
        Map<String, Object> queued =
                chunks.merge(user.id(), body.fileName(), body.fileMd5(), body.chunksTotal(), title);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("detail", "文件合并成功");
        reply.putAll(queued);
        return ResponseEntity.accepted().body(reply);
    }

    private static Map<String, Object> view(ChunkUploads.Progress p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("file_md5", p.fileMd5());
        body.put("chunks_total", p.chunksTotal());
        body.put("received", p.received());
        body.put("missing", p.missing());
        return body;
    }
}
