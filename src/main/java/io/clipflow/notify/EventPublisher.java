package io.clipflow.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.config.AsyncRedis;
import io.clipflow.config.LuaScripts;
import io.clipflow.config.RedisKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Publishes events to {@code clipflow:events:<topic>} and keeps each topic's recent events in the capped stream
 * {@code clipflow:history:<topic>}; called by the event steps of routes video-upload and video-process (through
 * {@code videoEvents}). The stream entry id is the event's {@code id}, so SSE's {@code Last-Event-ID} resumes from it.
 *
 * <p>A task's topic ({@code task.<id>}) keeps no stream: a task's state is already kept once, in its result
 * ({@code celery-task-meta-<id>}), which is what a late subscriber gets (a {@link TopicSnapshot}). A stream per
 * task would be a new key per task (4.7 KB of Redis memory each, kept for {@code history-ttl}) and the largest part of
 * Redis's work for a small task.
 */
@Component("eventPublisher")
public class EventPublisher {

    /**
     * Append, cap, expire and publish in one atomic step per event, so a subscriber that reads the history right after
     * subscribing sees every event either in the history or live (never neither); the published copy carries the id
     * (lua/publish-event.lua, calling {@code emit} of lua/emit.lua). A script that changes state uses lua/emit.lua too,
     * to send its event in the same step ({@link Emit}).
     */
    private static final RedisScript<List> PUBLISH = LuaScripts.script("publish-event", List.class);

    /**
     * An event ready to be sent by a script of another component, together with its own writes: its key pairs
     * (history, channel) for KEYS and its cap, time to live and text for {@code emit}.
     */
    public record Emit(List<String> keys, String maxLen, String ttlMillis, String text) {}

    private final StringRedisTemplate redis;
    private final AsyncRedis async;
    private final RedisKeys keys;
    private final EventsProperties properties;
    private final ObjectMapper json;

    EventPublisher(
            StringRedisTemplate redis,
            AsyncRedis async,
            RedisKeys keys,
            EventsProperties properties,
            ObjectMapper json) {
        this.redis = redis;
        this.async = async;
        this.keys = keys;
        this.properties = properties;
        this.json = json;
    }

    /**
     * Publishes one event (a JSON object without {@code id}) to every topic; returns the ids, one per topic.
     *
     * @throws IllegalArgumentException when the event is not a non-empty JSON object
     */
    public List<String> publish(List<Topic> topics, Map<String, Object> event) {
        String text = text(event);
        @SuppressWarnings("unchecked")
        List<String> ids = redis.execute(
                PUBLISH,
                redisKeys(topics),
                Integer.toString(properties.historySize()),
                Long.toString(properties.historyTtl().toMillis()),
                text);
        return ids;
    }

    /** As {@link #publish}, without waiting for Redis (events from workers, which must not slow tasks down). */
    public void publishLater(List<Topic> topics, Map<String, Object> event) {
        publishLater(prepare(topics, event));
    }

    /** Sends a prepared event without waiting for Redis. */
    public void publishLater(Emit e) {
        async.fire(PUBLISH.getScriptAsString(), e.keys(), e.maxLen(), e.ttlMillis(), e.text());
    }

    /** An event to send with another script's writes (that script uses lua/emit.lua). */
    public Emit prepare(List<Topic> topics, Map<String, Object> event) {
        return new Emit(
                redisKeys(topics),
                Integer.toString(properties.historySize()),
                Long.toString(properties.historyTtl().toMillis()),
                text(event));
    }

    private List<String> redisKeys(List<Topic> topics) {
        List<String> redisKeys = new ArrayList<>(topics.size() * 2);
        for (Topic topic : topics) {
            String channel = keys.events(topic.name());
            redisKeys.add(topic.keepsHistory() ? keys.history(topic.name()) : channel);
            redisKeys.add(channel);
        }
        return redisKeys;
    }

    private String text(Map<String, Object> event) {
        String text;
        try {
            text = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event is not serializable: " + e.getMessage(), e);
        }
        if (event.isEmpty() || event.containsKey("id")) {
            throw new IllegalArgumentException("an event is a non-empty object without an id: " + text);
        }
        return text;
    }

    /** The topic's last event, with its id. */
    public Optional<Event> latest(String topic) {
        List<MapRecord<String, Object, Object>> last = redis.opsForStream()
                .reverseRange(
                        keys.history(topic), Range.unbounded(), Limit.limit().count(1));
        return last == null || last.isEmpty() ? Optional.empty() : Optional.of(toEvent(last.get(0)));
    }

    /** The topic's kept events after {@code lastId} (exclusive), oldest first; all kept events when it is null. */
    public List<Event> after(String topic, String lastId) {
        Range<String> range = lastId == null ? Range.unbounded() : Range.rightUnbounded(Range.Bound.exclusive(lastId));
        List<MapRecord<String, Object, Object>> records = redis.opsForStream().range(keys.history(topic), range);
        return records == null
                ? List.of()
                : records.stream().map(EventPublisher::toEvent).toList();
    }

    private static Event toEvent(MapRecord<String, Object, Object> record) {
        String id = record.getId().getValue();
        String body = String.valueOf(record.getValue().get("event"));
        return new Event(id, "{\"id\":\"" + id + "\"," + body.substring(1));
    }
}
