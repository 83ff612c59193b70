package io.clipflow.notify;

import java.util.Optional;

/**
 * The starting state of a topic that keeps no history ({@link Topic#keepsHistory()} false), supplied by the feature
 * that keeps that state elsewhere: a task's topic starts from the task's stored result.
 */
public interface TopicSnapshot {

    /** The {@link Topic#kind()} this snapshot serves. */
    String kind();

    /** The event a late subscriber gets first, with an id before any live event's; empty when there is none yet. */
    Optional<Event> snapshot(Topic topic);
}
