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

    public String events(String topic) {
        return prefix + "clipflow:events:" + topic;
    }

    /** The PSUBSCRIBE pattern every node's events-fanout route listens on. */
    public String eventsPattern() {
        return events("*");
    }

    /** The topic of an events channel, or null when the channel is not one. */
    public String topicOf(String channel) {
        String head = events("");
        return channel != null && channel.startsWith(head) ? channel.substring(head.length()) : null;
    }

    public String history(String topic) {
        return prefix + "clipflow:history:" + topic;
    }

    public String ticket(String ticket) {
        return prefix + "clipflow:ticket:" + ticket;
    }

    public String prefix() {
        return prefix;
    }
}
