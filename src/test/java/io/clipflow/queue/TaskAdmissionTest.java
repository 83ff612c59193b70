package io.clipflow.queue;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.TaskOptions;
import io.clipflow.testsupport.TaskBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskAdmissionTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private final CeleryMessageCodec codec = new CeleryMessageCodec();
    private final TaskAdmission admission = new TaskAdmission(codec, Clock.fixed(NOW, ZoneOffset.UTC));
    private final List<String> lookedUp = new ArrayList<>();

    private Admission admit(CeleryMessage message, ReliableQueue.TaskStatus takenStatus, Set<String> names) {
        String raw = codec.encode(message);
        return admission.admit("celery", names, new ReliableQueue.Taken(raw, message.taskId(), takenStatus), id -> {
            lookedUp.add(id);
            return ReliableQueue.TaskStatus.RUNNABLE;
        });
    }

    private CeleryMessage task(TaskOptions options) {
        TaskBuilder task = aTask("clipflow.noop").withArgs(1);
        if (options.eta() != null) {
            task = task.withEta(options.eta());
        }
        if (options.expires() != null) {
            task = task.withExpires(options.expires());
        }
        return task.message();
    }

    @Test
    void runsARunnableTaskItServes() {
        CeleryMessage m = task(TaskOptions.none());
        Admission a = admit(m, ReliableQueue.TaskStatus.RUNNABLE, Set.of("clipflow.noop"));
        assertThat(a).isInstanceOfSatisfying(Admission.Run.class, r -> assertThat(
                        r.message().taskId())
                .isEqualTo(m.taskId()));
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void refusesTextThatIsNoCeleryMessage() {
        Admission a = admission.admit("celery", Set.of(), new ReliableQueue.Taken("{not json", null, null), id -> null);
        assertThat(a).isInstanceOfSatisfying(Admission.Undecodable.class, u -> {
            assertThat(u.raw()).isEqualTo("{not json");
            assertThat(u.reason()).isNotBlank();
        });
    }

    @Test
    void refusesATaskTheQueueDoesNotRunNamingWhatItRuns() {
        Admission a = admit(task(TaskOptions.none()), ReliableQueue.TaskStatus.RUNNABLE, Set.of("clipflow.ping"));
        assertThat(a).isInstanceOfSatisfying(Admission.NotRegistered.class, n -> assertThat(n.reason())
                .contains("unknown task clipflow.noop on queue celery")
                .contains("clipflow.ping"));
    }

    @Test
    void revokedBeatsEverythingButDecodingAndName() {
        CeleryMessage m = task(TaskOptions.none().withEta(NOW.plusSeconds(60).atOffset(ZoneOffset.UTC)));
        assertThat(admit(m, ReliableQueue.TaskStatus.REVOKED, Set.of()))
                .isInstanceOfSatisfying(
                        Admission.Revoked.class, r -> assertThat(r.why()).isEqualTo("revoked"));
    }

    @Test
    void anExpiredTaskIsRevokedWithoutRunning() {
        CeleryMessage m =
                task(TaskOptions.none().withExpires(NOW.minusSeconds(1).atOffset(ZoneOffset.UTC)));
        assertThat(admit(m, ReliableQueue.TaskStatus.RUNNABLE, Set.of()))
                .isInstanceOfSatisfying(
                        Admission.Revoked.class, r -> assertThat(r.why()).isEqualTo("expired"));
    }

    @Test
    void aTaskDueLaterIsParkedUntilItsEtaButOneDueWithinTheSlackRuns() {
        Instant due = NOW.plusSeconds(30);
        assertThat(admit(task(TaskOptions.none().withEta(due.atOffset(ZoneOffset.UTC))), null, Set.of()))
                .isInstanceOfSatisfying(
                        Admission.Delayed.class, d -> assertThat(d.due()).isEqualTo(due));
        Instant soon = NOW.plus(TaskAdmission.ETA_SLACK.minus(Duration.ofMillis(5)));
        assertThat(admit(task(TaskOptions.none().withEta(soon.atOffset(ZoneOffset.UTC))), null, Set.of()))
                .isInstanceOf(Admission.Run.class);
    }

    @Test
    void aRedeliveredCopyOfASucceededTaskIsNotRunAgain() {
        assertThat(admit(task(TaskOptions.none()), ReliableQueue.TaskStatus.SUCCEEDED, Set.of()))
                .isInstanceOf(Admission.AlreadySucceeded.class);
    }

    @Test
    void asksForTheStatusWhenTheTakeCouldNot() {
        CeleryMessage m = task(TaskOptions.none());
        // after a blocking wait the take knows no task id: the admission asks once, for this task
        Admission a = admission.admit("celery", Set.of(), new ReliableQueue.Taken(codec.encode(m), null, null), id -> {
            lookedUp.add(id);
            return ReliableQueue.TaskStatus.REVOKED;
        });
        assertThat(a).isInstanceOf(Admission.Revoked.class);
        assertThat(lookedUp).containsExactly(m.taskId());
    }
}
