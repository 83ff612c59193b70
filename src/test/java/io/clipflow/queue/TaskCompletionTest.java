package io.clipflow.queue;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.notify.EventPublisher;
import io.clipflow.task.ResultBackend;
import io.clipflow.task.ResultProperties;
import io.clipflow.task.TaskBookkeeping;
import io.clipflow.task.TaskLifecycleEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each ending's effects and their order, recorded by in-memory stand-ins of the four kinds of effect. Every ending but
 * a plain success sends the withheld STARTED first, so its result and event come before the ending's (Redis and the
 * database are the ITs' part: CeleryQueueIT, DeliveryIT).
 */
class TaskCompletionTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private final List<String> effects = new ArrayList<>();
    private final CeleryMessageCodec codec = new CeleryMessageCodec();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final StartNotices starts = new StartNotices(new ResultProperties(
            Duration.ofDays(1), true, ResultProperties.History.OWNED_AND_FAILED, Duration.ofHours(1)));
    private boolean continues;
    private String delayedReplacement;

    private final TaskCompletion completion = completion(WorkerEvents.NONE, 2);

    /** Endings over the recorders, with {@code celery} for Celery's events and {@code t.flaky} retried that often. */
    private TaskCompletion completion(WorkerEvents celery, int flakyRetries) {
        return new TaskCompletion(
                new RecordingDelivery(),
                new RecordingBookkeeping(),
                new RecordingEvents(),
                celery,
                new RecordingFollowUps(),
                new RetryPolicy(new TaskPolicies(Map.of(
                        "t.flaky",
                        new TaskSettings(
                                flakyRetries,
                                Duration.ofSeconds(2),
                                Duration.ofMinutes(1),
                                false,
                                null,
                                null,
                                List.of(),
                                TaskSettings.DEFAULT_DONT_RETRY_FOR,
                                null)))),
                codec,
                new TaskMetrics(meters),
                starts,
                Clock.fixed(NOW, ZoneOffset.UTC),
                "celery@node-a");
    }

    @AfterEach
    void close() {
        starts.close();
    }

    private Attempt attempt(String task, int retries, boolean events) {
        CeleryMessage m = aTask(task).withArgs(1).withRetries(retries).message();
        Attempt a = completion.begin("celery", new Admission.Run(codec.encode(m), m), events, null);
        effects.clear();
        return a;
    }

    @Test
    void aSuccessStoresAcksAndAnnouncesInOneFinishAfterWhichTheHistoryIsWritten() {
        Attempt a = attempt("t.ok", 0, true);
        ReliableQueue.Taken next = completion.end(a, 2, true, null, null, Duration.ofMillis(3), true);
        assertThat(next).isNull();
        // the withheld started event rides in the finish, before done
        assertThat(effects).containsExactly("finish SUCCESS done+started takeNext", "history SUCCESS");
        assertThat(meters.get("clipflow.tasks")
                        .tag("outcome", "success")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aSuccessThatContinuesAWorkflowStoresThenSendsTheFollowUpsThenAcks() {
        continues = true;
        Attempt a = attempt("t.ok", 0, false);
        completion.end(a, 2, true, null, null, Duration.ofMillis(3), true);
        assertThat(effects)
                .containsExactly("STARTED sent", "store SUCCESS", "history SUCCESS", "follow-ups succeeded", "ack");
    }

    @Test
    void aTaskThatStoresNoResultSendsItsStartedAndIsAcked() {
        Attempt a = attempt("t.ok", 0, true);
        completion.end(a, 2, false, null, null, Duration.ofMillis(3), true);
        assertThat(effects).containsExactly("STARTED sent", "ack");
    }

    @Test
    void aRetryableFailureRecordsRetryAnnouncesItAndParksACopyWithOneMoreRetry() {
        Attempt a = attempt("t.flaky", 0, true);
        completion.end(a, null, true, new IllegalStateException("flaked"), null, Duration.ofMillis(3), true);
        assertThat(effects)
                .containsExactly(
                        "STARTED sent",
                        "retrying IllegalStateException flaked at " + NOW.plusSeconds(2),
                        "error flaked retry_count=1 last=false",
                        "delay until " + NOW.plusSeconds(2));
        CeleryMessage again = codec.decode(delayedReplacement);
        assertThat(again.taskId()).isEqualTo(a.message().taskId());
        assertThat(again.retries()).isEqualTo(1);
        assertThat(again.eta().toInstant()).isEqualTo(NOW.plusSeconds(2));
    }

    @Test
    void theLastFailureIsRecordedAnnouncedCalledBackAndDeadLetteredWithItsAttempts() {
        Attempt a = attempt("t.flaky", 2, true);
        completion.end(a, null, true, new IllegalStateException("flaked"), null, Duration.ofMillis(3), true);
        assertThat(effects)
                .containsExactly(
                        "STARTED sent",
                        "failed IllegalStateException flaked",
                        "error flaked retry_count=2 last=true",
                        "follow-ups failed",
                        "dead letter (3 attempts): failed after 3 attempts: flaked");
    }

    @Test
    void aFailureRetryingCannotFixIsDeadLetteredAtOnceWithItsType() {
        Attempt a = attempt("t.flaky", 0, false);
        completion.end(a, null, true, new IllegalArgumentException("bad input"), null, Duration.ofMillis(3), true);
        assertThat(effects)
                .containsExactly(
                        "STARTED sent",
                        "failed IllegalArgumentException bad input",
                        "follow-ups failed",
                        "dead letter (1 attempts): IllegalArgumentException: bad input");
    }

    @Test
    void aTaskStoppedForShutdownGoesBackToItsQueueMarkedRedeliveredWithNothingRecorded() {
        Attempt a = attempt("t.ok", 0, true);
        completion.end(
                a,
                null,
                true,
                new IllegalStateException("stopped"),
                TaskSupervisor.StopReason.SHUTDOWN,
                Duration.ofMillis(3),
                true);
        assertThat(effects).containsExactly("STARTED sent", "hand back redelivered=true");
    }

    @Test
    void aTerminatedTaskEndsRevokedAnnouncedAndAcked() {
        Attempt a = attempt("t.ok", 0, true);
        completion.end(
                a,
                null,
                true,
                new IllegalStateException("killed"),
                TaskSupervisor.StopReason.REVOKED,
                Duration.ofMillis(3),
                true);
        assertThat(effects).containsExactly("STARTED sent", "revoked terminated", "stage REVOKED", "ack");
    }

    @Test
    void refusalsRecordAndMoveTheMessageAsTheirReasonSays() {
        CeleryMessage m = aTask("t.ok").message();
        String raw = codec.encode(m);
        completion.refused("celery", new Admission.Undecodable("junk", "not JSON"));
        completion.refused("celery", new Admission.NotRegistered(raw, m, "unknown task t.ok"));
        completion.refused("celery", new Admission.Revoked(raw, m, "expired"));
        completion.refused("celery", new Admission.Delayed(raw, m, NOW.plusSeconds(9)));
        completion.refused("celery", new Admission.AlreadySucceeded(raw, m));
        assertThat(effects)
                .containsExactly(
                        "dead letter (0 attempts): not JSON",
                        "failed NotRegistered unknown task t.ok",
                        "dead letter (0 attempts): unknown task t.ok",
                        "revoked expired",
                        "ack",
                        "delay until " + NOW.plusSeconds(9),
                        "ack");
        assertThat(delayedReplacement).isEqualTo(raw);
    }

    @Test
    void aRunEndsWithItsHeldStartDroppedWhateverTheEnding() {
        Attempt a = attempt("t.ok", 0, true);
        completion.ended(a);
        assertThat(effects).containsExactly("ended");
        // withheld for good: the STARTED notice sends nothing afterwards
        a.notice().flush();
        assertThat(effects).containsExactly("ended");
    }

    /** The same endings with Celery's monitoring events recorded too: each comes after its ending's effects. */
    private final TaskCompletion withCelery = completion(new RecordingCelery(), 1);

    private Attempt celeryAttempt(String task, int retries) {
        CeleryMessage m = aTask(task).withArgs(1).withRetries(retries).message();
        Admission.Run run = new Admission.Run(codec.encode(m), m);
        withCelery.received(run);
        Attempt a = withCelery.begin("celery", run, false, null);
        return a;
    }

    @Test
    void celeryEventsComeAfterEachEndingsEffectsSoTheResultIsStoredFirst() {
        Attempt ok = celeryAttempt("t.ok", 0);
        assertThat(effects)
                .containsExactly("celery task-received", "history STARTED by celery@node-a", "celery task-started");
        effects.clear();
        withCelery.end(ok, 2, true, null, null, Duration.ofMillis(3), true);
        assertThat(effects).containsExactly("finish SUCCESS takeNext", "history SUCCESS", "celery task-succeeded 2");

        Attempt flaky = celeryAttempt("t.flaky", 0);
        effects.clear();
        withCelery.end(flaky, null, true, new IllegalStateException("flaked"), null, Duration.ofMillis(3), true);
        assertThat(effects).last().isEqualTo("celery task-retried IllegalStateException");

        Attempt last = celeryAttempt("t.flaky", 1);
        effects.clear();
        withCelery.end(last, null, true, new IllegalStateException("flaked"), null, Duration.ofMillis(3), true);
        assertThat(effects).last().isEqualTo("celery task-failed IllegalStateException");

        Attempt stopped = celeryAttempt("t.ok", 0);
        effects.clear();
        withCelery.end(
                stopped,
                null,
                true,
                new IllegalStateException("killed"),
                TaskSupervisor.StopReason.REVOKED,
                Duration.ofMillis(3),
                true);
        assertThat(effects)
                .containsExactly("STARTED sent", "revoked terminated", "ack", "celery task-revoked terminated");

        Attempt shutdown = celeryAttempt("t.ok", 0);
        effects.clear();
        withCelery.end(
                shutdown,
                null,
                true,
                new IllegalStateException("stopped"),
                TaskSupervisor.StopReason.SHUTDOWN,
                Duration.ofMillis(3),
                true);
        assertThat(effects)
                .containsExactly("STARTED sent", "hand back redelivered=true", "celery task-rejected requeue");
    }

    @Test
    void celeryEventsOfRefusalsAreWhatACeleryWorkerSendsForThem() {
        CeleryMessage m = aTask("t.ok").message();
        String raw = codec.encode(m);
        withCelery.refused("celery", new Admission.Undecodable("junk", "not JSON"));
        withCelery.refused("celery", new Admission.NotRegistered(raw, m, "unknown task t.ok"));
        withCelery.refused("celery", new Admission.Revoked(raw, m, "expired"));
        withCelery.refused("celery", new Admission.Revoked(raw, m, "revoked"));
        withCelery.refused("celery", new Admission.Delayed(raw, m, NOW.plusSeconds(9)));
        withCelery.refused("celery", new Admission.AlreadySucceeded(raw, m));
        assertThat(effects.stream().filter(e -> e.startsWith("celery ")))
                .containsExactly(
                        "celery task-failed NotRegistered",
                        "celery task-revoked expired",
                        "celery task-revoked",
                        "celery task-received");
    }

    private final class RecordingCelery implements WorkerEvents {
        @Override
        public void received(CeleryMessage message) {
            effects.add("celery task-received");
        }

        @Override
        public void started(CeleryMessage message) {
            effects.add("celery task-started");
        }

        @Override
        public void succeeded(CeleryMessage message, Object result, Duration runtime) {
            effects.add("celery task-succeeded " + result);
        }

        @Override
        public void retried(CeleryMessage message, String excType, Throwable failure) {
            effects.add("celery task-retried " + excType);
        }

        @Override
        public void failed(CeleryMessage message, String excType, Throwable failure) {
            effects.add("celery task-failed " + excType);
        }

        @Override
        public void rejected(CeleryMessage message, boolean requeue) {
            effects.add("celery task-rejected" + (requeue ? " requeue" : ""));
        }

        @Override
        public void revoked(CeleryMessage message, boolean terminated, boolean expired) {
            effects.add("celery task-revoked" + (terminated ? " terminated" : "") + (expired ? " expired" : ""));
        }
    }

    private final class RecordingDelivery implements Delivery {
        @Override
        public String listKey(String queue, int priority) {
            return queue;
        }

        @Override
        public void ack(String raw) {
            effects.add("ack");
        }

        @Override
        public void delay(String raw, String listKey, Instant due, String replacement) {
            delayedReplacement = replacement;
            effects.add("delay until " + due);
        }

        @Override
        public void handBack(String raw, String listKey, String replacement) {
            effects.add("hand back redelivered=" + codec.decode(replacement).redelivered());
        }

        @Override
        public void deadLetter(String queue, String raw, String reason, int attempts, String taskId, String taskName) {
            effects.add("dead letter (" + attempts + " attempts): " + reason);
        }

        @Override
        public void started(ResultBackend.Write result, EventPublisher.Emit event) {
            effects.add("STARTED sent");
        }

        @Override
        public ReliableQueue.Taken finish(
                String queue,
                String raw,
                ResultBackend.Write result,
                EventPublisher.Emit done,
                String startedEvent,
                boolean takeNext,
                WorkerConnection connection) {
            effects.add("finish " + result.json() + (done == null ? "" : " done")
                    + (startedEvent == null ? "" : "+started") + (takeNext ? " takeNext" : ""));
            return null;
        }
    }

    private final class RecordingBookkeeping implements TaskBookkeeping {
        @Override
        public void started(CeleryMessage message, String worker) {
            effects.add("history STARTED by " + worker);
        }

        @Override
        public ResultBackend.Write startedResult(CeleryMessage message, String worker) {
            return new ResultBackend.Write("k", "STARTED", "60");
        }

        @Override
        public ResultBackend.Write successResult(CeleryMessage message, Object result, String worker) {
            return new ResultBackend.Write("k", "SUCCESS", "60");
        }

        @Override
        public boolean store(ResultBackend.Write result) {
            effects.add("store " + result.json());
            return true;
        }

        @Override
        public void succeeded(CeleryMessage message, String worker) {
            effects.add("history SUCCESS");
        }

        @Override
        public void retrying(CeleryMessage message, String excType, String reason, Instant due, String worker) {
            effects.add("retrying " + excType + " " + reason + " at " + due);
        }

        @Override
        public void failed(CeleryMessage message, String excType, String reason, String worker) {
            effects.add("failed " + excType + " " + reason);
        }

        @Override
        public void revoked(CeleryMessage message, String reason, String worker) {
            effects.add("revoked " + reason);
        }

        @Override
        public void ended(CeleryMessage message) {
            effects.add("ended");
        }
    }

    private final class RecordingEvents implements TaskLifecycleEvents {
        @Override
        public EventPublisher.Emit started(CeleryMessage message) {
            return new EventPublisher.Emit(List.of(), "1", "1", "{\"type\":\"stage_update\"}");
        }

        @Override
        public EventPublisher.Emit done(CeleryMessage message, Object result, Instant started) {
            return new EventPublisher.Emit(List.of(), "1", "1", "{\"type\":\"done\"}");
        }

        @Override
        public void publishDone(CeleryMessage message, Object result, Instant started) {
            effects.add("done published");
        }

        @Override
        public void stage(CeleryMessage message, String status) {
            effects.add("stage " + status);
        }

        @Override
        public void error(CeleryMessage message, String error, int retryCount, boolean last) {
            effects.add("error " + error + " retry_count=" + retryCount + " last=" + last);
        }
    }

    private final class RecordingFollowUps implements FollowUps {
        @Override
        public boolean continues(CeleryMessage message) {
            return continues;
        }

        @Override
        public void succeeded(CeleryMessage message, Object result) {
            effects.add("follow-ups succeeded");
        }

        @Override
        public void failed(CeleryMessage message) {
            effects.add("follow-ups failed");
        }
    }
}
