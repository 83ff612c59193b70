package io.clipflow.delivery;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.media.FfmpegRunner;
import io.clipflow.media.MediaException;
import io.clipflow.media.ProcessResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/**
 * Test tasks behind route delivery-test. Records every run (task id → start times) so tests can count executions.
 * {@code echo(x)} returns x; {@code flaky(fail_times)} fails its first attempts (by Celery's retries counter);
 * {@code fails_until(runs)} fails until it has run that many times in total (so a replay can succeed);
 * {@code ffmpeg_sleep(seconds, marker)} runs a real-time ffmpeg for that long; {@code fails_once(key)} fails the first
 * task that names a key and succeeds for every later one (so a retry as a new task, with the same arguments, succeeds).
 */
@Component("deliveryTestTasks")
public class DeliveryTestTasks {

    private final FfmpegRunner runner;
    private final Map<String, List<Instant>> runs = new ConcurrentHashMap<>();
    private final java.util.Set<String> seenKeys = ConcurrentHashMap.newKeySet();

    DeliveryTestTasks(FfmpegRunner runner) {
        this.runner = runner;
    }

    public Object run(@Body CeleryMessage message) {
        List<Instant> mine = runs.computeIfAbsent(message.taskId(), k -> new CopyOnWriteArrayList<>());
        mine.add(Instant.now());
        Map<String, Object> kwargs = message.kwargs();
        return switch (message.taskName()) {
            case "clipflow.test.echo" -> message.args().isEmpty()
                    ? null
                    : message.args().get(0);
            case "clipflow.test.flaky" -> {
                int failTimes = ((Number) kwargs.get("fail_times")).intValue();
                if (message.retries() < failTimes) {
                    throw new MediaException("flaky failure on attempt " + (message.retries() + 1));
                }
                yield "ok after " + message.retries() + " retries";
            }
            case "clipflow.test.fails_once" -> {
                String key = String.valueOf(
                        message.args().isEmpty() ? null : message.args().get(0));
                if (seenKeys.add(key)) {
                    throw new MediaException("first time for " + key);
                }
                yield "ok for " + key;
            }
            case "clipflow.test.fails_until" -> {
                int needed = ((Number) kwargs.get("runs")).intValue();
                if (mine.size() < needed) {
                    throw new MediaException("failing run " + mine.size() + " of " + needed);
                }
                yield "ok on run " + mine.size();
            }
            case "clipflow.test.ffmpeg_sleep" -> {
                double seconds = ((Number) kwargs.get("seconds")).doubleValue();
                ProcessResult result = runner.run(
                        List.of(
                                "ffmpeg",
                                "-nostdin",
                                "-v",
                                "error",
                                "-re",
                                "-f",
                                "lavfi",
                                "-i",
                                "testsrc2=size=64x48:rate=10:duration=" + seconds,
                                "-metadata",
                                "title=" + kwargs.get("marker"),
                                "-f",
                                "null",
                                "-"),
                        Duration.ofMinutes(5),
                        line -> {});
                if (!result.succeeded()) {
                    throw new MediaException("ffmpeg exited " + result.exitCode());
                }
                yield "slept " + seconds;
            }
            default -> throw new IllegalArgumentException("no test task " + message.taskName());
        };
    }

    public List<Instant> runs(String taskId) {
        return runs.getOrDefault(taskId, List.of());
    }
}
