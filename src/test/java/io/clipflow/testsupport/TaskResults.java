package io.clipflow.testsupport;

import io.clipflow.celery.CeleryResult;
import io.clipflow.celery.CeleryResultCodec;
import io.clipflow.config.RedisKeys;
import io.clipflow.task.TaskState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Task results as a Celery client reads them: {@code celery-task-meta-<id>} from Redis, decoded by
 * {@link CeleryResultCodec}. {@link #awaitResult} polls until the task is in the wanted state, and fails at once when
 * it sits at SUCCESS while another state is wanted (SUCCESS is final).
 */
public final class TaskResults {

    /** Long enough for a queued task on a busy two-core machine, short enough that a lost task fails the test. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private static final CeleryResultCodec CODEC = new CeleryResultCodec();

    private final UnaryOperator<String> read;
    private final UnaryOperator<String> keyOf;

    private TaskResults(UnaryOperator<String> read, UnaryOperator<String> keyOf) {
        this.read = read;
        this.keyOf = keyOf;
    }

    /** Results of the app whose keys are {@code keys} (its key prefix applied). */
    public static TaskResults in(StringRedisTemplate redis, RedisKeys keys) {
        return new TaskResults(key -> redis.opsForValue().get(key), keys::result);
    }

    public Optional<CeleryResult> result(String taskId) {
        String raw = read.apply(keyOf.apply(taskId));
        return raw == null ? Optional.empty() : Optional.of(CODEC.decode(raw));
    }

    /** Waits {@link #DEFAULT_WAIT} at most. */
    public CeleryResult awaitResult(String taskId, TaskState state) {
        return awaitResult(taskId, state, DEFAULT_WAIT);
    }

    /**
     * The stored result once it is in {@code state}. {@code SKIPPED} is read as Redis shows it: SUCCESS with
     * {@code "skipped": true}. On timeout the assertion error shows the last stored result.
     */
    public CeleryResult awaitResult(String taskId, TaskState state, Duration timeout) {
        AtomicReference<CeleryResult> last = new AtomicReference<>();
        try {
            return Awaitility.await("result of task " + taskId + " in state " + state)
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> {
                                CeleryResult now = result(taskId).orElse(null);
                                last.set(now);
                                if (now != null
                                        && CeleryResult.SUCCESS.equals(now.status())
                                        && state != TaskState.SUCCESS
                                        && state != TaskState.SKIPPED) {
                                    throw new AssertionError("task " + taskId + " succeeded (final), expected " + state
                                            + ": " + CODEC.encode(now));
                                }
                                return now;
                            },
                            now -> now != null && isIn(now, state));
        } catch (ConditionTimeoutException e) {
            CeleryResult seen = last.get();
            throw new AssertionError(
                    "task " + taskId + " not " + state + " within " + timeout + "; last stored: "
                            + (seen == null ? "nothing (PENDING)" : CODEC.encode(seen)),
                    e);
        }
    }

    static boolean isIn(CeleryResult result, TaskState state) {
        boolean skipped = result.result().path("skipped").asBoolean(false);
        return switch (state) {
            case SKIPPED -> CeleryResult.SUCCESS.equals(result.status()) && skipped;
            case SUCCESS -> CeleryResult.SUCCESS.equals(result.status()) && !skipped;
            default -> state.name().equals(result.status());
        };
    }
}
