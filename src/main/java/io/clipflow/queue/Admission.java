package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import java.time.Instant;

/** What {@link TaskAdmission} decided about a message taken off a queue: run it, or one of the reasons not to. */
sealed interface Admission {

    /** The raw text as it stands in the processing list. */
    String raw();

    /** Not a Celery message this codec reads: dead-lettered as it is. */
    record Undecodable(String raw, String reason) implements Admission {}

    /** A task name this queue's routes do not run: FAILURE {@code NotRegistered} and dead-lettered. */
    record NotRegistered(String raw, CeleryMessage message, String reason) implements Admission {}

    /** Revoked, or past its {@code expires}: REVOKED without running ({@code why} is {@code revoked}/{@code expired}). */
    record Revoked(String raw, CeleryMessage message, String why) implements Admission {}

    /** An ETA in the future: parked in the delayed set until {@code due}. */
    record Delayed(String raw, CeleryMessage message, Instant due) implements Admission {}

    /** A redelivered copy of a task whose SUCCESS is stored: acked without running. */
    record AlreadySucceeded(String raw, CeleryMessage message) implements Admission {}

    /** Run it. */
    record Run(String raw, CeleryMessage message) implements Admission {}
}
