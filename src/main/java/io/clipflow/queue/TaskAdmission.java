package io.clipflow.queue;

import io.clipflow.celery.CeleryDecodeException;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Decides what happens to a message a worker took, before anything runs: decode failure, unknown task, revoked,
 * expired, ETA still ahead, already succeeded, or run. It only decides; {@link TaskCompletion} carries the decision out.
 */
@Component
class TaskAdmission {

    /** An ETA this close is run now rather than parked: the promoter's own period is longer. */
    static final Duration ETA_SLACK = Duration.ofMillis(20);

    private final CeleryMessageCodec codec;
    private final Clock clock;

    TaskAdmission(CeleryMessageCodec codec, Clock clock) {
        this.codec = codec;
        this.clock = clock;
    }

    /**
     * @param queue the queue the message was taken from
     * @param taskNames the task names the queue's route runs; empty: any
     * @param taken the message, with the revoked/succeeded status the take read for the task id it found
     * @param statusOf asks Redis for a task's status when the take could not (after a blocking wait)
     */
    Admission admit(
            String queue,
            Set<String> taskNames,
            ReliableQueue.Taken taken,
            Function<String, ReliableQueue.TaskStatus> statusOf) {
        String raw = taken.raw();
        CeleryMessage message;
        try {
            message = codec.decode(raw);
        } catch (CeleryDecodeException e) {
            return new Admission.Undecodable(raw, e.getMessage());
        }
        if (!taskNames.isEmpty() && !taskNames.contains(message.taskName())) {
            return new Admission.NotRegistered(
                    raw,
                    message,
                    "unknown task " + message.taskName() + " on queue " + queue + " (this queue runs "
                            + String.join(", ", taskNames) + ")");
        }
        Instant now = clock.instant();
        ReliableQueue.TaskStatus status =
                message.taskId().equals(taken.taskId()) ? taken.status() : statusOf.apply(message.taskId());
        if (status == ReliableQueue.TaskStatus.REVOKED) {
            return new Admission.Revoked(raw, message, "revoked");
        }
        if (message.expires() != null && message.expires().toInstant().isBefore(now)) {
            return new Admission.Revoked(raw, message, "expired");
        }
        if (message.eta() != null && message.eta().toInstant().isAfter(now.plus(ETA_SLACK))) {
            return new Admission.Delayed(raw, message, message.eta().toInstant());
        }
        if (status == ReliableQueue.TaskStatus.SUCCEEDED) {
            return new Admission.AlreadySucceeded(raw, message);
        }
        return new Admission.Run(raw, message);
    }
}
