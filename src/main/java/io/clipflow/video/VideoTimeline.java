package io.clipflow.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.notify.Event;
import io.clipflow.notify.EventPublisher;
import io.clipflow.notify.Topic;
import io.clipflow.task.TaskRecord;
import io.clipflow.task.TaskTracker;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * What happened to a video, oldest first: each task's queued, started and ended times from the durable task history
 * (which survives restarts and event-history expiry), merged with the stage events the video's topic still keeps
 * (probe, thumbnail, transcode, retries, the end). Progress ticks are folded into their stage.
 */
@Component
class VideoTimeline {

    /** One line of the timeline; {@code state} is a CSS hook (ok, failed, running, info). */
    record Step(Instant at, String what, String detail, String worker, String taskId, String state) {}

    private final TaskTracker tasks;
    private final EventPublisher events;
    private final ObjectMapper json;

    VideoTimeline(TaskTracker tasks, EventPublisher events, ObjectMapper json) {
        this.tasks = tasks;
        this.events = events;
        this.json = json;
    }

    List<Step> of(long videoId) {
        List<Step> steps = new ArrayList<>();
        for (TaskRecord t : tasks.forVideo(videoId)) {
            steps.add(new Step(
                    t.getCreatedAt(), "queued", t.getName() + " on " + t.getQueue(), null, t.getTaskId(), "info"));
            if (t.getStartedAt() != null) {
                String attempt = t.getRetries() > 0 ? "attempt " + (t.getRetries() + 1) : "first attempt";
                steps.add(new Step(t.getStartedAt(), "started", attempt, t.getWorker(), t.getTaskId(), "running"));
            }
            if (t.getFinishedAt() != null) {
                String took = t.getStartedAt() == null
                        ? ""
                        : "took " + seconds(Duration.between(t.getStartedAt(), t.getFinishedAt()));
                String detail = t.getError() != null && !t.getError().isBlank() ? t.getError() : took;
                steps.add(new Step(
                        t.getFinishedAt(),
                        t.getState().name(),
                        detail,
                        t.getWorker(),
                        t.getTaskId(),
                        switch (t.getState()) {
                            case SUCCESS -> "ok";
                            case FAILURE, REVOKED -> "failed";
                            default -> "info";
                        }));
            }
        }
        List<Event> kept;
        try {
            kept = events.after(Topic.video(videoId).name(), null);
        } catch (RuntimeException e) {
            kept = List.of();
        }
        JsonNode lastProgress = null;
        for (Event event : kept) {
            JsonNode e = parse(event.json());
            if (e == null) {
                continue;
            }
            String type = e.path("type").asText();
            if (type.equals("progress")) {
                lastProgress = e;
                continue;
            }
            if (lastProgress != null) {
                steps.add(progress(lastProgress));
                lastProgress = null;
            }
            Instant at = instant(e.path("timestamp").asText());
            if (at == null) {
                continue;
            }
            String taskId = e.path("task_id").asText(null);
            switch (type) {
                case "stage_update" -> steps.add(new Step(
                        at, e.path("stage").asText("stage"), e.path("message").asText(""), null, taskId, "running"));
                case "done" -> steps.add(new Step(at, "done", e.path("status").asText(""), null, taskId, "ok"));
                case "error" -> steps.add(new Step(
                        at,
                        e.path("retry_count").asInt(0) > 0
                                ? "error (after " + e.path("retry_count").asInt() + " retries)"
                                : "error",
                        e.path("error").asText(""),
                        null,
                        taskId,
                        "failed"));
                default -> steps.add(new Step(at, type, e.path("message").asText(""), null, taskId, "info"));
            }
        }
        if (lastProgress != null) {
            steps.add(progress(lastProgress));
        }
        steps.removeIf(s -> s.at() == null);
        steps.sort(Comparator.comparing(Step::at));
        return steps;
    }

    private Step progress(JsonNode e) {
        return new Step(
                instant(e.path("timestamp").asText()),
                e.path("stage").asText("transcode") + " progress",
                String.format(Locale.ROOT, "%.0f%%", e.path("progress").asDouble()),
                null,
                e.path("task_id").asText(null),
                "running");
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    private static Instant instant(String text) {
        try {
            return text == null || text.isEmpty() ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
