package io.clipflow.upload;

import io.clipflow.video.VideoService;
import io.clipflow.web.ApiException;
import java.util.OptionalLong;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** {@code clipflow.upload.max-pending-videos}: how many videos one user may have waiting or in processing at once. */
@Component
class PendingVideos {

    private final VideoService videos;
    private final UploadProperties properties;

    PendingVideos(VideoService videos, UploadProperties properties) {
        this.videos = videos;
        this.properties = properties;
    }

    /** How many the user has pending, when that is the limit or more. */
    OptionalLong overLimit(long ownerId) {
        long pending = videos.pendingCount(ownerId);
        return pending >= properties.maxPendingVideos() ? OptionalLong.of(pending) : OptionalLong.empty();
    }

    String detail(long pending) {
        return "you have " + pending + " videos waiting or in processing (at most " + properties.maxPendingVideos()
                + "); retry when some are done";
    }

    /** A 429 when the user may not add another video now. */
    void check(long ownerId) {
        OptionalLong pending = overLimit(ownerId);
        if (pending.isPresent()) {
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS, "too many pending videos", detail(pending.getAsLong()));
        }
    }
}
