package io.clipflow.schedule;

import io.clipflow.storage.MediaStore;
import io.clipflow.task.TaskTracker;
import io.clipflow.upload.TusUploads;
import io.clipflow.video.VideoService;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Route schedule-cleanup: removes what is past its retention and nothing else: media of videos DELETED longer ago
 * than {@code deleted-media-retention}, upload sessions abandoned longer ago than {@code upload-session-retention},
 * resumable uploads past their Upload-Expires,
 * finished task history older than {@code task-history-retention}. Each run logs what it removed and records it as a
 * task result ({@code clipflow.cleanup}).
 */
@Component("cleanup")
public class Cleanup {

    static final String TASK_NAME = "clipflow.cleanup";
    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);
    private static final int BATCH = 500;

    private final VideoService videos;
    private final MediaStore store;
    private final TusUploads tusUploads;
    private final TaskTracker tracker;
    private final ScheduleProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;

    Cleanup(
            VideoService videos,
            MediaStore store,
            TusUploads tusUploads,
            TaskTracker tracker,
            ScheduleProperties properties,
            TransactionTemplate tx,
            Clock clock) {
        this.videos = videos;
        this.store = store;
        this.tusUploads = tusUploads;
        this.tracker = tracker;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    /** One cleanup run; the reply (also the recorded task result) says what went. */
    public Map<String, Object> run() {
        Instant now = clock.instant();
        List<Long> mediaOf = new ArrayList<>();
        long[] bytes = {0};
        List<Long> batch;
        do {
            batch = tx.execute(status -> {
                List<Long> ids = videos.claimDeletedWithMedia(now.minus(properties.deletedMediaRetention()), BATCH);
                for (long id : ids) {
                    bytes[0] += videos.removeMedia(id);
                }
                return ids;
            });
            mediaOf.addAll(batch);
        } while (batch != null && batch.size() == BATCH);
        int uploads = store.removeStaleUploads(now.minus(properties.uploadSessionRetention()));
        int resumable = tusUploads.removeExpired();
        int history = tracker.deleteHistoryBefore(now.minus(properties.taskHistoryRetention()));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("deleted_videos_media_removed", mediaOf);
        summary.put("bytes_freed", bytes[0]);
        summary.put("upload_sessions_removed", uploads);
        summary.put("expired_resumable_uploads_removed", resumable);
        summary.put("task_history_removed", history);
        String taskId = tracker.recordScheduled(TASK_NAME, summary);
        summary.put("task_id", taskId);
        log.info(
                "cleanup: media of {} deleted video(s) removed ({} bytes), {} upload session file(s), {} expired"
                        + " resumable upload(s), {} task history row(s); recorded as task {}",
                mediaOf.size(),
                bytes[0],
                uploads,
                resumable,
                history,
                taskId);
        return summary;
    }
}
