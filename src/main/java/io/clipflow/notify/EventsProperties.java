package io.clipflow.notify;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Live events: history kept for late subscribers, and the limits that keep a slow browser from slowing anyone else.
 *
 * @param historySize events kept per topic in {@code clipflow:history:<topic>} (replayed after {@code Last-Event-ID})
 * @param historyTtl how long a topic's history outlives its last event
 * @param sendBufferLimit bytes queued for one subscriber before it is closed as too slow (it reconnects and gets the
 *     latest state)
 * @param sendTimeLimit longest a single send to one subscriber may block a sender thread
 * @param sendThreads threads that write to subscribers; the publishing and Redis listener threads never write
 * @param heartbeat how often WebSocket clients get a protocol ping and SSE clients a comment line
 * @param idleTimeout a WebSocket that sent nothing (no message, no pong) for this long is dead and closed
 * @param sseTimeout an SSE response ends after this long; {@code EventSource} reconnects with {@code Last-Event-ID}
 * @param allowedOrigins browser origins allowed to open a WebSocket; auth is a token, not a cookie, so {@code *} is
 *     safe
 */
@Validated
@ConfigurationProperties("clipflow.events")
public record EventsProperties(
        @DefaultValue("100") @Min(1) int historySize,
        @DefaultValue("1d") Duration historyTtl,
        @DefaultValue("512KB") DataSize sendBufferLimit,
        @DefaultValue("10s") Duration sendTimeLimit,
        @DefaultValue("8") @Min(1) int sendThreads,
        @DefaultValue("20s") Duration heartbeat,
        @DefaultValue("60s") Duration idleTimeout,
        @DefaultValue("30m") Duration sseTimeout,
        @DefaultValue("*") List<String> allowedOrigins) {}
