package io.clipflow.config;

import org.springframework.stereotype.Component;

/**
 * Every Redis key and channel name Clipflow uses, in one place, with the optional global prefix applied. The layout is
 * in docs/redis-layout.md; Celery-defined names ({@code <queue>}, {@code _kombu.binding.<queue>},
 * {@code celery-task-meta-<id>}) are kept exactly so Python clients share them.
 */
@Component
public class RedisKeys {

    private final String prefix;

    public RedisKeys(ClipflowProperties properties) {
        this.prefix = properties.redis().keyPrefix();
    }

    public String queue(String queue) {
        return prefix + queue;
    }

    public String binding(String queue) {
        return prefix + "_kombu.binding." + queue;
    }

    public String result(String taskId) {
        return prefix + "celery-task-meta-" + taskId;
    }

    public String processing(String node) {
        return prefix + "clipflow:processing:" + node;
    }

    public String lock(String name, String id) {
        return prefix + "clipflow:lock:" + name + ":" + id;
    }

    public String dead(String queue) {
        return prefix + "clipflow:dead:" + queue;
    }

    /** A user's token bucket for one kind of request (upload, task), see RateLimiter. */
    public String rateLimit(String action, long userId) {
        return prefix + "clipflow:rate:" + action + ":" + userId;
    }

    /** A one-time WebSocket/SSE ticket, by the ticket's hash. */
    public String streamTicket(String ticketHash) {
        return prefix + "clipflow:ticket:" + ticketHash;
    }

    public String events(String topic) {
        return prefix + "clipflow:events:" + topic;
    }

    public String prefix() {
        return prefix;
    }
}
