package io.clipflow.queue;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this node proves it is alive and what it does about nodes that are not.
 *
 * @param heartbeatInterval how often {@code clipflow:node:<node>} is refreshed
 * @param heartbeatTtl how long a heartbeat lives; a node silent this long is dead and its unacked work is recovered
 * @param orphanCheckInterval how often this node looks for dead nodes' processing lists
 * @param promoteInterval how often due ETA/retry messages move from {@code clipflow:delayed} to their queues
 * @param shutdownGrace on shutdown, how long running tasks may finish before they are stopped and handed back
 * @param revokedTtl how long a revocation is remembered (Celery keeps them for the result lifetime)
 */
@ConfigurationProperties("clipflow.delivery")
public record DeliveryProperties(
        @DefaultValue("2s") Duration heartbeatInterval,
        @DefaultValue("10s") Duration heartbeatTtl,
        @DefaultValue("5s") Duration orphanCheckInterval,
        @DefaultValue("500ms") Duration promoteInterval,
        @DefaultValue("20s") Duration shutdownGrace,
        @DefaultValue("1d") Duration revokedTtl) {}
