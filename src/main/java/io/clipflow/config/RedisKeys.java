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

    /** A saved group result ({@code GroupResult.save()}): the member task ids. */
    public String group(String groupId) {
        return prefix + "celery-taskset-meta-" + groupId;
    }

    /** Seed 003's own Pub/Sub channel of one AI stage, which its Python consumers subscribe to. */
    public String seedStageChannel(String projectId, String stage) {
        return prefix + "ai_story:project:" + projectId + ":stage:" + stage;
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

    /** Heartbeat of a node; its expiry marks the node dead and its processing list an orphan. */
    public String node(String node) {
        return prefix + "clipflow:node:" + node;
    }

    /** Every node that ever heartbeated here, so a live node can find dead nodes' processing lists. */
    public String nodes() {
        return prefix + "clipflow:nodes";
    }

    /** ETA, countdown and retry messages scored by due time (ms); members are {@code <list key>\n<message>}. */
    public String delayed() {
        return prefix + "clipflow:delayed";
    }

    /** Revoked task ids scored by when the revocation expires (ms). */
    public String revoked() {
        return prefix + "clipflow:revoked";
    }

    /** Queues that have a dead-letter list. */
    public String deadQueues() {
        return prefix + "clipflow:dead-queues";
    }

    /** Broadcast channel for control commands (revoke) to every node, like Celery's pidbox. */
    public String control() {
        return prefix + "clipflow:control";
    }

    /** A user's token bucket for one kind of request (upload, task), see RateLimiter. */
    public String rateLimit(String action, long userId) {
        return prefix + "clipflow:rate:" + action + ":" + userId;
    }

    /** Failed dashboard sign-ins of one user name or one client address in the current window, see LoginThrottle. */
    public String loginFailures(String kind, String subject) {
        return prefix + "clipflow:login-failures:" + kind + ":" + subject;
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

    public String ticket(String ticketHash) {
        return prefix + "clipflow:ticket:" + ticketHash;
    }

    /** Recent runs of a scheduled job, scored by scheduled fire time (ms); members {@code <fire ms> <node>}. */
    public String scheduleRuns(String job) {
        return prefix + "clipflow:schedule:runs:" + job;
    }

    /** The cache namespace (the seeds' cache database): derived values with a TTL, safe to lose. */
    public String cache(String name) {
        return prefix + "clipflow:cache:" + name;
    }

    public String prefix() {
        return prefix;
    }
}
