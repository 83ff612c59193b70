package io.clipflow.upload;

import io.clipflow.security.ClipflowUser;
import io.clipflow.storage.MediaStore;
import io.clipflow.video.UploadedFile;
import io.clipflow.web.ApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * The HTTP edge of uploads, for the API ({@code POST /api/videos}, bearer token) and the dashboard ({@code POST
 * /ui/videos}, session cookie and CSRF header, the same reply), kept thin: the part goes into the media store's staging folder (a rename of the servlet
 * container's own spool file, which lives on the same file system), then route video-upload decides what happens.
 */
@RestController
class UploadController {

    private static final int MAX_TITLE = 255;

    private final MediaStore store;
    private final UploadSubmission submission;

    UploadController(MediaStore store, UploadSubmission submission) {
        this.store = store;
        this.submission = submission;
    }

    @PostMapping(
            path = {"/api/videos", "/ui/videos"},
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Object> upload(
            @RequestPart("file") MultipartFile file,
            @RequestParam(name = "title", required = false) String title,
            @AuthenticationPrincipal ClipflowUser user)
            throws IOException {
        if (file.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "the file part is empty");
        }
        checkTitle(title);
        Path staged = store.newIncomingFile();
        try {
            // transferTo(File) lets Tomcat rename its spool file; transferTo(Path) would copy every byte again
            file.transferTo(staged.toFile());
            Object reply = submission.submit(new UploadedFile(
                    staged, displayName(file.getOriginalFilename()), file.getSize(), title, user.id()));
            return ResponseEntity.accepted().body(reply);
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /** A title given with any kind of upload: at most {@value #MAX_TITLE} printable characters (400 otherwise). */
    static String checkTitle(String title) {
        if (title != null && (title.length() > MAX_TITLE || title.chars().anyMatch(Character::isISOControl))) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "bad request",
                    "title must be at most " + MAX_TITLE + " printable characters");
        }
        return title;
    }

    /** The client's name for display: last path segment, control and separator characters removed, bounded length. */
    static String displayName(String original) {
        if (original == null) {
            return "upload";
        }
        String name = Normalizer.normalize(original, Normalizer.Form.NFC);
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        name = name.codePoints()
                .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString()
                .strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return "upload";
        }
        return name.length() > 200 ? name.substring(0, 200) : name;
    }
}
