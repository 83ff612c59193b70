package io.clipflow.upload;

import io.clipflow.security.ClipflowUser;
import io.clipflow.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The tus 1.0 edge at {@code /api/uploads} (https://tus.io/protocols/resumable-upload): core, creation,
 * creation-with-upload, checksum (sha1, md5, sha256), termination and expiration, with the API's bearer tokens. The
 * finishing PATCH answers {@code Clipflow-Video-Id} and {@code Clipflow-Task-Id}; {@code GET /api/uploads/{id}} tells
 * the same as JSON. The dashboard uses the same protocol at {@code /ui/uploads} with its session and CSRF header. See
 * {@link TusUploads} for the rules.
 */
@RestController
class TusController {

    static final String VERSION = "1.0.0";
    static final String EXTENSIONS = "creation,creation-with-upload,checksum,termination,expiration";
    static final String OCTETS = "application/offset+octet-stream";

    private static final Logger log = LoggerFactory.getLogger(TusController.class);

    private final TusUploads uploads;
    private final UploadProperties properties;

    TusController(TusUploads uploads, UploadProperties properties) {
        this.uploads = uploads;
        this.properties = properties;
    }

    @RequestMapping(
            path = {"/api/uploads", "/api/uploads/"},
            method = RequestMethod.OPTIONS)
    ResponseEntity<Void> options() {
        return ResponseEntity.noContent()
                .header("Tus-Version", VERSION)
                .header("Tus-Extension", EXTENSIONS)
                .header("Tus-Max-Size", Long.toString(properties.maxSize().toBytes()))
                .header("Tus-Checksum-Algorithm", String.join(",", new TreeSet<>(TusUploads.CHECKSUMS.keySet())))
                .build();
    }

    @PostMapping({"/api/uploads", "/api/uploads/", "/ui/uploads"})
    ResponseEntity<Void> create(
            @RequestHeader(name = "Upload-Length", required = false) String length,
            @RequestHeader(name = "Upload-Metadata", required = false) String metadata,
            @RequestHeader(name = "Upload-Checksum", required = false) String checksum,
            HttpServletRequest request,
            @AuthenticationPrincipal ClipflowUser user)
            throws IOException {
        checkVersion(request);
        if (length == null) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "bad request",
                    "Upload-Length is required (Upload-Defer-Length is not supported)");
        }
        TusUpload upload = uploads.create(user, number("Upload-Length", length), metadata);
        // the dashboard's uploads (session and CSRF) stay under /ui, the API's (bearer token) under /api
        String prefix = request.getServletPath().startsWith("/ui/") ? "/ui" : "/api";
        String location = ServletUriComponentsBuilder.fromCurrentContextPath()
                .path(prefix + "/uploads/{id}")
                .buildAndExpand(upload.getId())
                .toUriString();
        ResponseEntity.BodyBuilder reply = ResponseEntity.status(HttpStatus.CREATED)
                .header(HttpHeaders.LOCATION, location)
                .header("Upload-Expires", httpDate(upload.getExpiresAt()));
        if (isOctets(request) && request.getContentLengthLong() != 0) {
            // creation-with-upload: the body is the first bytes
            TusUploads.Appended appended = uploads.append(upload.getId(), user, 0, request.getInputStream(), checksum);
            reply.header("Upload-Offset", Long.toString(appended.offset()));
            completion(reply, appended);
        }
        return reply.build();
    }

    @RequestMapping(
            path = {"/api/uploads/{id}", "/ui/uploads/{id}"},
            method = RequestMethod.HEAD)
    ResponseEntity<Void> head(
            @PathVariable String id, HttpServletRequest request, @AuthenticationPrincipal ClipflowUser user) {
        checkVersion(request);
        TusUpload upload = uploads.visible(id, user);
        ResponseEntity.BodyBuilder reply = ResponseEntity.ok()
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Upload-Offset", Long.toString(upload.getOffset()))
                .header("Upload-Length", Long.toString(upload.getLength()))
                .header("Upload-Expires", httpDate(upload.getExpiresAt()));
        if (!upload.getMetadata().isEmpty()) {
            reply.header("Upload-Metadata", upload.getMetadata());
        }
        return reply.build();
    }

    @PatchMapping({"/api/uploads/{id}", "/ui/uploads/{id}"})
    ResponseEntity<Void> patch(
            @PathVariable String id,
            @RequestHeader(name = "Upload-Offset", required = false) String offset,
            @RequestHeader(name = "Upload-Checksum", required = false) String checksum,
            HttpServletRequest request,
            @AuthenticationPrincipal ClipflowUser user)
            throws IOException {
        checkVersion(request);
        if (!isOctets(request)) {
            throw new ApiException(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported media type", "a PATCH must be " + OCTETS);
        }
        if (offset == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "Upload-Offset is required");
        }
        TusUploads.Appended appended =
                uploads.append(id, user, number("Upload-Offset", offset), request.getInputStream(), checksum);
        ResponseEntity.HeadersBuilder<?> reply = ResponseEntity.noContent()
                .header("Upload-Offset", Long.toString(appended.offset()))
                .header("Upload-Expires", httpDate(appended.expires()));
        completion(reply, appended);
        return reply.build();
    }

    @DeleteMapping({"/api/uploads/{id}", "/ui/uploads/{id}"})
    ResponseEntity<Void> terminate(
            @PathVariable String id, HttpServletRequest request, @AuthenticationPrincipal ClipflowUser user) {
        checkVersion(request);
        uploads.terminate(id, user);
        return ResponseEntity.noContent().build();
    }

    /** Not tus: the upload as JSON, with the video and task it became once complete. */
    @GetMapping("/api/uploads/{id}")
    Map<String, Object> get(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user) {
        TusUpload upload = uploads.visible(id, user);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", upload.getId());
        body.put("file_name", upload.getFileName());
        body.put("title", upload.getTitle());
        body.put("length", upload.getLength());
        body.put("offset", upload.getOffset());
        body.put("complete", upload.isComplete());
        body.put("video_id", upload.getVideoId());
        body.put("task_id", upload.getTaskId());
        body.put("created_at", upload.getCreatedAt().toString());
        body.put("expires_at", upload.getExpiresAt().toString());
        return body;
    }

    @ExceptionHandler(TusRefusal.class)
    ResponseEntity<Map<String, Object>> refused(TusRefusal e) {
        return ResponseEntity.status(e.status())
                .header("Tus-Version", VERSION)
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", e.error(), "detail", e.getMessage()));
    }

    /** The client stopped sending mid-body; what arrived is kept (see TusUploads.append), and nobody reads this. */
    @ExceptionHandler(UncheckedIOException.class)
    ResponseEntity<Map<String, Object>> cutShort(UncheckedIOException e) {
        log.info(
                "upload request ended early: {}",
                e.getCause() == null ? e.getMessage() : e.getCause().toString());
        return ResponseEntity.badRequest()
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", "bad request", "detail", "the request body ended early"));
    }

    private static void completion(ResponseEntity.HeadersBuilder<?> reply, TusUploads.Appended appended) {
        if (appended.completed() != null) {
            Object video = appended.completed().get("video");
            if (video instanceof Map<?, ?> m) {
                reply.header("Clipflow-Video-Id", String.valueOf(m.get("id")));
            }
            reply.header("Clipflow-Task-Id", String.valueOf(appended.completed().get("task_id")));
        }
    }

    private static void checkVersion(HttpServletRequest request) {
        if (!VERSION.equals(request.getHeader("Tus-Resumable"))) {
            throw new TusRefusal(
                    412, "precondition failed", "send Tus-Resumable: " + VERSION + " (the only version served)");
        }
    }

    private static boolean isOctets(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith(OCTETS);
    }

    private static long number(String header, String value) {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(
                HttpStatus.BAD_REQUEST, "bad request", header + " must be a whole number from 0 to " + Long.MAX_VALUE);
    }

    private static String httpDate(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atZone(ZoneOffset.UTC));
    }
}
