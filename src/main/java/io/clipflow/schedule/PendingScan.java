package io.clipflow.schedule;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import io.clipflow.lock.LeaseLockRepository;
import io.clipflow.queue.CeleryEventDispatcher;
import io.clipflow.queue.QueueInspection;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.task.TaskTracker;
import io.clipflow.video.Video;
import io.clipflow.video.VideoProperties;
import io.clipflow.video.VideoService;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Route schedule-pending-scan: the outbox guarantee. A video whose row was committed but whose message never reached
 * Redis (a crash between the commit and the LPUSH), or whose message is gone (QUEUED or PROCESSING, no message in its
 * queue, any processing list or the delayed set, no live lease), is enqueued again under a new task once it has been
 * untouched for the grace period. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} and touched before the claim
 * commits, so two nodes scanning at once never enqueue the same video twice. The message is published after the
 * commit: a crash in between leaves a QUEUED row without message, which the next scan after the grace repairs.
 */
@Component("pendingScan")
public class PendingScan {

    private static final Logger log = LoggerFactory.getLogger(PendingScan.class);

    private final VideoService videos;
    private final LeaseLockRepository videoLock;
    private final ReliableQueue queue;
    private final QueueInspection inspection;
    private final CeleryMessageCodec codec;
    private final VideoProperties video;
    private final ScheduleProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final TaskTracker tracker;
    private final CeleryEventDispatcher events;

    PendingScan(
            VideoService videos,
            @Qualifier("videoLock") LeaseLockRepository videoLock,
            ReliableQueue queue,
            QueueInspection inspection,
            CeleryMessageCodec codec,
            VideoProperties video,
            ScheduleProperties properties,
            TransactionTemplate tx,
            Clock clock,
            TaskTracker tracker,
            CeleryEventDispatcher events) {
        this.events = events;
        this.tracker = tracker;
        this.videos = videos;
        this.videoLock = videoLock;
        this.queue = queue;
        this.inspection = inspection;
        this.codec = codec;
        this.video = video;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    /** One scan; the reply names the videos enqueued again. */
    public Map<String, Object> scan() {
        Instant before = clock.instant().minus(properties.pendingGrace());
        List<Long> examined = new ArrayList<>();
        Map<String, String> replaced = new LinkedHashMap<>(); // lost task id -> the new one
        List<TaskCall> lost = tx.execute(status -> {
            List<TaskCall> calls = new ArrayList<>();
            List<Video> candidates = new ArrayList<>();
            for (long id : videos.claimUnfinished(before, properties.pendingBatch())) {
                examined.add(id);
                Video v = videos.get(id);
                if (v.getSourcePath() == null) {
                    continue; // never stored: nothing to process (the upload failed before the file was adopted)
                }
                if (videoLock.contains(Long.toString(id))) {
                    continue; // a live worker holds it
                }
                candidates.add(v);
            }
            // waiting, running, or parked for a retry: one pass over Redis for the whole batch
            Set<String> held = inspection.holdingTasks(
                    video.queue(),
                    candidates.stream()
                            .map(Video::getTaskId)
                            .filter(java.util.Objects::nonNull)
                            .toList());
            for (Video v : candidates) {
                if (v.getTaskId() != null && held.contains(v.getTaskId())) {
                    continue;
                }
                TaskCall call = new TaskCall(
                        UUID.randomUUID().toString(),
                        video.task(),
                        List.of(v.getId()),
                        Map.of(),
                        TaskOptions.none(),
                        v.getOwnerId());
                if (v.getTaskId() != null) {
                    replaced.put(v.getTaskId(), call.taskId());
                }
                videos.requeued(v.getId(), call);
                calls.add(call);
            }
            return calls;
        });
        List<Map<String, Object>> requeued = new ArrayList<>();
        for (TaskCall call : lost == null ? List.<TaskCall>of() : lost) {
            CeleryMessage message = codec.newTask(call, video.queue());
            queue.publish(video.queue(), message.priority(), codec.encode(message));
            events.sent(message);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("video_id", call.args().get(0));
            entry.put("task_id", call.taskId());
            requeued.add(entry);
            log.warn(
                    "outbox: video {} had no message anywhere; enqueued again as task {}",
                    call.args().get(0),
                    call.taskId());
        }
        // the lost task will never run: its result says so, and where its work went, instead of PENDING forever
        replaced.forEach((old, now) -> tracker.revoked(old, "message lost; enqueued again as task " + now));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("examined", examined.size());
        summary.put("requeued", requeued);
        return summary;
    }
}
