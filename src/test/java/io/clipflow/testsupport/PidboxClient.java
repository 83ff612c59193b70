package io.clipflow.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipflow.celery.Kombu;
import io.clipflow.celery.PidboxCodec;
import io.clipflow.config.RedisKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A remote-control caller speaking kombu's mailbox protocol from Java, as {@code app.control.broadcast(...,
 * reply=True)} does: it binds a reply queue of its own to {@code reply.celery.pidbox}, publishes a command on the
 * {@code celery.pidbox} channel to one node, and reads that node's answer. It can also publish raw text on the channel,
 * which Celery's own client cannot (garbage, oversized or deeply nested messages).
 */
public final class PidboxClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final String channel;
    private final String node;
    private final String oid = UUID.randomUUID().toString();

    /**
     * @param database the node's Redis database number (part of kombu's channel name)
     * @param node the node's Celery hostname, the commands' destination
     */
    public PidboxClient(StringRedisTemplate redis, RedisKeys keys, int database, String node) {
        this.redis = redis;
        this.keys = keys;
        this.channel = keys.prefix() + Kombu.fanoutChannel(database, PidboxCodec.EXCHANGE, "");
        this.node = node;
        redis.opsForSet().add(keys.binding(PidboxCodec.REPLY_EXCHANGE), Kombu.bindingMember(oid, replyQueue()));
    }

    private String replyQueue() {
        return oid + ".reply.celery.pidbox";
    }

    /** Sends {@code method} with {@code arguments} (a JSON object) to the node; its answer, or null after the wait. */
    public JsonNode call(String method, String arguments, Duration wait) {
        String ticket = UUID.randomUUID().toString();
        publishRaw(envelope(method, arguments, ticket));
        return answer(ticket, wait);
    }

    /** The node's answer to {@code ticket}, or null when none comes within {@code wait}. */
    public JsonNode answer(String ticket, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < until) {
            String raw = redis.opsForList().rightPop(keys.queue(replyQueue()), 100, TimeUnit.MILLISECONDS);
            if (raw == null) {
                continue;
            }
            JsonNode message = read(raw);
            if (!ticket.equals(message.path("headers").path("ticket").asText())) {
                continue;
            }
            JsonNode body = read(
                    new String(Base64.getDecoder().decode(message.path("body").asText()), StandardCharsets.UTF_8));
            return body.path(node);
        }
        return null;
    }

    /** Publishes {@code text} on the pidbox channel as it is. */
    public void publishRaw(String text) {
        redis.convertAndSend(channel, text);
    }

    /** Publishes {@code count} calls of {@code method} in one pipeline; their tickets. */
    public List<String> burst(String method, int count) {
        List<String> tickets = new java.util.ArrayList<>();
        List<String> messages = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String ticket = UUID.randomUUID().toString();
            tickets.add(ticket);
            messages.add(envelope(method, "{}", ticket));
        }
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        redis.executePipelined((org.springframework.data.redis.core.RedisCallback<Object>) connection -> {
            for (String m : messages) {
                connection.publish(name, m.getBytes(StandardCharsets.UTF_8));
            }
            return null;
        });
        return tickets;
    }

    /** How many answers wait in this client's reply queue now. */
    public long waitingAnswers() {
        Long size = redis.opsForList().size(keys.queue(replyQueue()));
        return size == null ? 0 : size;
    }

    /** A kombu envelope of a call, as {@code Mailbox._publish} sends it. */
    public String envelope(String method, String arguments, String ticket) {
        try {
            ObjectNode body = JSON.createObjectNode();
            body.put("method", method);
            body.set("arguments", JSON.readTree(arguments));
            body.putArray("destination").add(node);
            body.putNull("pattern");
            body.putNull("matcher");
            body.put("ticket", ticket);
            body.putObject("reply_to")
                    .put("exchange", PidboxCodec.REPLY_EXCHANGE)
                    .put("routing_key", oid);
            ObjectNode envelope = JSON.createObjectNode();
            envelope.put(
                    "body",
                    Base64.getEncoder()
                            .encodeToString(JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8)));
            envelope.put("content-encoding", "utf-8");
            envelope.put("content-type", "application/json");
            envelope.putObject("headers").put("clock", 1).put("expires", System.currentTimeMillis() / 1000.0 + 5);
            ObjectNode properties = envelope.putObject("properties");
            properties.put("delivery_mode", 1);
            properties
                    .putObject("delivery_info")
                    .put("exchange", PidboxCodec.EXCHANGE)
                    .put("routing_key", "");
            properties.put("priority", 0);
            properties.put("body_encoding", "base64");
            properties.put("delivery_tag", UUID.randomUUID().toString());
            return JSON.writeValueAsString(envelope);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
