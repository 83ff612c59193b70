package io.clipflow.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.config.AsyncRedis;
import io.clipflow.config.LuaScripts;
import io.clipflow.config.RedisKeys;
import io.clipflow.notify.EventPublisher;
import io.clipflow.notify.Topic;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The live events of an AI stage in seed 003's types ({@code stage_update}, {@code token}, {@code done}, {@code
 * error}), each published to {@code project.<pid>.stage.<stage>} and {@code project.<pid>} (with their history, so a
 * page opened mid-stream gets the text so far) and, in the seed's own format, on {@code
 * ai_story:project:<pid>:stage:<stage>}. Token events are joined to at most {@code clipflow.ai.token-events-per-second}
 * per stage run without losing a character: each carries the fragments since the last one and the whole text so far.
 */
@Component("stageEvents")
public class StageEvents implements DisposableBean {

    private static final String SCRIPT = LuaScripts.text("stage-event");

    /** Who an event is about. */
    public record Subject(String projectId, String stage, String taskId) {}

    private final EventPublisher publisher;
    private final AsyncRedis async;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final Clock clock;
    private final long intervalNanos;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stage-token-flush");
        t.setDaemon(true);
        return t;
    });

    StageEvents(
            EventPublisher publisher,
            AsyncRedis async,
            RedisKeys keys,
            ObjectMapper json,
            Clock clock,
            AiProperties properties) {
        this.publisher = publisher;
        this.async = async;
        this.keys = keys;
        this.json = json;
        this.clock = clock;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / properties.tokenEventsPerSecond();
    }

    /** The stage is running (or being retried): status, progress 0 to 100, a message for people. */
    public void update(Subject s, String status, double progress, String message) {
        Map<String, Object> event = event("stage_update", s);
        event.put("status", status);
        event.put("progress", progress);
        event.put("message", message);
        publish(s, event);
    }

    /** Opens the token stream of one run; fragments offered to it go out joined, at the configured pace. */
    public Tokens tokens(Subject s) {
        return new Tokens(s);
    }

    /** The run succeeded: the whole text, and what it cost. */
    public void done(Subject s, String fullText, Object result, Map<String, Object> metadata) {
        Map<String, Object> event = event("done", s);
        event.put("full_text", fullText);
        if (result != null) {
            event.put("result", result);
        }
        event.put("metadata", metadata);
        publish(s, event);
    }

    /** The run failed; {@code willRetry} says whether another attempt follows ({@code retry_count} retries so far). */
    public void error(Subject s, String error, int retryCount, boolean willRetry) {
        Map<String, Object> event = event("error", s);
        event.put("error", error);
        event.put("retry_count", retryCount);
        event.put("will_retry", willRetry);
        publish(s, event);
    }

    private Map<String, Object> event(String type, Subject s) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("project_id", s.projectId());
        event.put("stage", s.stage());
        event.put("task_id", s.taskId());
        event.put("timestamp", clock.instant().toString());
        return event;
    }

    private void publish(Subject s, Map<String, Object> event) {
        EventPublisher.Emit emit = publisher.prepare(
                List.of(Topic.projectStage(s.projectId(), s.stage()), Topic.project(s.projectId())), event);
        List<String> scriptKeys = new ArrayList<>(emit.keys());
        scriptKeys.add(keys.seedStageChannel(s.projectId(), s.stage()));
        async.fire(SCRIPT, scriptKeys, emit.maxLen(), emit.ttlMillis(), emit.text(), seedText(event));
    }

    /** The seed's format: the same fields, with its float epoch-seconds timestamp. */
    private String seedText(Map<String, Object> event) {
        Map<String, Object> seed = new LinkedHashMap<>(event);
        seed.put("timestamp", clock.millis() / 1000.0);
        try {
            return json.writeValueAsString(seed);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event is not serializable", e);
        }
    }

    @Override
    public void destroy() {
        flusher.shutdownNow();
    }

    /** One run's token events: fragments are joined until the interval has passed since the last event. */
    public final class Tokens {
        private final Subject subject;
        private final StringBuilder pending = new StringBuilder();
        private String textSoFar = "";
        private long lastSentNanos = System.nanoTime() - intervalNanos;
        private ScheduledFuture<?> scheduled;
        private int sent;

        private Tokens(Subject subject) {
            this.subject = subject;
        }

        /** A fragment and the whole text so far. */
        public void offer(String fragment, String soFar) {
            synchronized (this) {
                pending.append(fragment);
                textSoFar = soFar;
                long wait = lastSentNanos + intervalNanos - System.nanoTime();
                if (wait > 0) {
                    if (scheduled == null) {
                        scheduled = flusher.schedule(this::flush, wait, TimeUnit.NANOSECONDS);
                    }
                    return;
                }
            }
            flush();
        }

        /** Sends what is pending now (before {@code done} or {@code error}, so no fragment is left behind). */
        public void flush() {
            Map<String, Object> event;
            synchronized (this) {
                if (scheduled != null) {
                    scheduled.cancel(false);
                    scheduled = null;
                }
                if (pending.isEmpty()) {
                    return;
                }
                event = event("token", subject);
                event.put("content", pending.toString());
                event.put("full_text", textSoFar);
                pending.setLength(0);
                lastSentNanos = System.nanoTime();
                sent++;
                // published inside the lock: two flushes (the timer's and the worker's) never swap their order
                publish(subject, event);
            }
        }

        /** Token events sent so far. */
        public synchronized int sent() {
            return sent;
        }
    }
}
