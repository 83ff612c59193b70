package io.clipflow.video;

import io.clipflow.celery.TaskCall;
import io.clipflow.notify.EventPublisher;
import io.clipflow.notify.Topic;
import io.clipflow.task.TaskRecord;
import io.clipflow.task.TaskTracker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The live events of a video and its task, in the seeds' format ({@code stage_update}, {@code progress}, {@code done},
 * {@code error}), each published to {@code video.<id>}, {@code task.<id>} and {@code user.<owner>}; the event steps
 * of routes video-upload and video-process call it, and the ladder's progress reader in {@link VideoProcess}.
 */
@Component("videoEvents")
public class VideoEvents {

    private static final Logger log = LoggerFactory.getLogger(VideoEvents.class);

    private final EventPublisher publisher;
    private final VideoService videos;
    private final TaskTracker tasks;
    private final Clock clock;

    VideoEvents(EventPublisher publisher, VideoService videos, TaskTracker tasks, Clock clock) {
        this.publisher = publisher;
        this.videos = videos;
        this.tasks = tasks;
        this.clock = clock;
    }

    /** video-upload: the video is QUEUED under its task. */
    public void queued(@Variable("videoId") long videoId, @Body TaskCall call) {
        Map<String, Object> event = event("stage_update", videoId, call.taskId());
        event.put("status", VideoStatus.QUEUED.name());
        event.put("stage", "queued");
        event.put("message", "waiting for a worker");
        publish(videoId, call.taskId(), event);
    }

    /** video-process: a stage ({@code probe}, {@code thumbnail}, {@code transcode}) begins. */
    public void stage(long videoId, String taskId, String stage) {
        Map<String, Object> event = event("stage_update", videoId, taskId);
        event.put("status", VideoStatus.PROCESSING.name());
        event.put("stage", stage);
        event.put("message", stage + " started");
        publish(videoId, taskId, event);
    }

    /** The ladder's progress: {@code fraction} of {@code totalSeconds} encoded (ffmpeg's out_time vs duration). */
    public void progress(long videoId, String taskId, double fraction, double totalSeconds) {
        Map<String, Object> event = event("progress", videoId, taskId);
        event.put("stage", "transcode");
        event.put("current", Math.round(fraction * totalSeconds * 10) / 10.0);
        event.put("total", Math.round(totalSeconds * 10) / 10.0);
        event.put("progress", Math.round(fraction * 1000) / 10.0);
        event.put("message", fraction >= 1.0 ? "transcode finished" : "transcoding");
        publish(videoId, taskId, event);
    }

    /** video-process: READY; {@code result} is the task's result. */
    public void done(
            @Variable("videoId") long videoId, @Variable("taskId") String taskId, @Body Map<String, Object> result) {
        Map<String, Object> event = event("done", videoId, taskId);
        event.put("status", VideoStatus.READY.name());
        event.put("result", result);
        event.put("metadata", metadata(taskId));
        publish(videoId, taskId, event);
    }

    /** video-process (skipped branch): the task ends without work, the video is another task's. */
    public void skipped(
            @Variable("videoId") long videoId, @Variable("taskId") String taskId, @Body Map<String, Object> result) {
        Map<String, Object> event = event("done", videoId, taskId);
        event.put("result", result);
        event.put("metadata", metadata(taskId));
        List<Topic> topics = new ArrayList<>(List.of(Topic.task(taskId)));
        tasks.find(taskId).map(TaskRecord::getOwnerId).ifPresent(owner -> topics.add(Topic.user(owner)));
        publisher.publish(topics, event);
    }

    /** video-process error handler: FAILED with the innermost readable reason. */
    public void failed(
            @Variable("videoId") Long videoId,
            @Variable("taskId") String taskId,
            @Variable("taskRetries") Integer retries,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        Map<String, Object> event = event("error", videoId, taskId);
        event.put("status", VideoStatus.FAILED.name());
        event.put("error", reason(failure));
        event.put("retry_count", retries == null ? 0 : retries);
        if (videoId == null) {
            if (taskId != null) {
                publisher.publish(List.of(Topic.task(taskId)), event);
            }
        } else {
            publish(videoId, taskId, event);
        }
    }

    private Map<String, Object> event(String type, Long videoId, String taskId) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("video_id", videoId);
        event.put("task_id", taskId);
        event.put("timestamp", clock.instant().toString());
        return event;
    }

    private Map<String, Object> metadata(String taskId) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        Instant started = tasks.find(taskId).map(TaskRecord::getStartedAt).orElse(null);
        metadata.put(
                "latency_ms",
                started == null
                        ? null
                        : Duration.between(started, clock.instant()).toMillis());
        return metadata;
    }

    private void publish(long videoId, String taskId, Map<String, Object> event) {
        List<Topic> topics = new ArrayList<>(List.of(Topic.video(videoId)));
        if (taskId != null) {
            topics.add(Topic.task(taskId));
        }
        try {
            videos.find(videoId, null).map(Video::getOwnerId).ifPresent(owner -> topics.add(Topic.user(owner)));
            publisher.publish(topics, event);
        } catch (RuntimeException e) {
            // events are advisory: a lost event must not fail the video (the state is in the database and result)
            log.warn("cannot publish {} of video {}: {}", event.get("type"), videoId, e.toString());
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = io.clipflow.media.MediaException.readableCause(failure);
        return cause == null || cause.getMessage() == null ? "processing failed" : cause.getMessage();
    }
}
