package io.clipflow.notify;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/** WebSocket endpoints on the app's own port, and the Redis pub/sub plumbing route events-fanout consumes with. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class NotifyConfig implements WebSocketConfigurer {

    private final EventSocketHandler handler;
    private final EventsProperties properties;

    NotifyConfig(EventSocketHandler handler, EventsProperties properties) {
        this.handler = handler;
        this.properties = properties;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, EventSocketHandler.PATHS)
                .setAllowedOriginPatterns(properties.allowedOrigins().toArray(String[]::new));
    }

    /**
     * The PSUBSCRIBE connection of route events-fanout, on Spring Boot's Lettuce factory (without it the component
     * opens its own Jedis pool). One dispatch thread keeps each channel's events in publish order; the hub only
     * enqueues, so that thread never waits for a client.
     */
    @Bean
    RedisMessageListenerContainer eventListenerContainer(RedisConnectionFactory connections) {
        ThreadPoolTaskExecutor ordered = new ThreadPoolTaskExecutor();
        ordered.setCorePoolSize(1);
        ordered.setMaxPoolSize(1);
        ordered.setThreadNamePrefix("events-in-");
        ordered.initialize();
        RedisMessageListenerContainer container = new RedisMessageListenerContainer() {
            @Override
            public void destroy() throws Exception {
                super.destroy();
                ordered.shutdown();
            }
        };
        container.setConnectionFactory(connections);
        container.setTaskExecutor(ordered);
        return container;
    }

    /** Route events-fanout's message bodies are UTF-8 JSON, not Java-serialized objects (the component's default). */
    @Bean
    StringRedisSerializer eventSerializer() {
        return StringRedisSerializer.UTF_8;
    }
}
