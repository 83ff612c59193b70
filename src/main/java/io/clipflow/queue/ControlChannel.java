package io.clipflow.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.config.RedisKeys;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Commands broadcast to every node over Redis pub/sub (Celery's pidbox idea): today "terminate task X", which only the
 * node running X acts on.
 */
@Component
public class ControlChannel {

    private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    ControlChannel(StringRedisTemplate redis, RedisKeys keys, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    /** Asks every node to stop task {@code taskId} if it is running there. */
    public void terminate(String taskId) {
        try {
            redis.convertAndSend(
                    keys.control(), json.writeValueAsString(Map.of("action", "terminate", "task_id", taskId)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void onMessage(String text, TaskSupervisor supervisor) {
        try {
            JsonNode command = json.readTree(text);
            if ("terminate".equals(command.path("action").asText())) {
                String taskId = command.path("task_id").asText();
                if (supervisor.terminate(taskId)) {
                    log.warn("terminated task {} on request", taskId);
                }
            }
        } catch (Exception e) {
            log.warn("ignored a malformed control message: {}", e.getMessage());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Listener {
        @Bean
        RedisMessageListenerContainer controlListenerContainer(
                RedisConnectionFactory connections, ControlChannel channel, TaskSupervisor supervisor, RedisKeys keys) {
            RedisMessageListenerContainer container = new RedisMessageListenerContainer();
            container.setConnectionFactory(connections);
            container.addMessageListener(
                    (message, pattern) -> channel.onMessage(
                            new String(message.getBody(), java.nio.charset.StandardCharsets.UTF_8), supervisor),
                    new ChannelTopic(keys.control()));
            return container;
        }
    }
}
