package io.clipflow.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The pieces of remote control that need no Redis: Celery's rate and signal syntax, the governed commands' arguments,
 * the command rate and the deadline, rusage from /proc, settings.
 */
class RemoteControlPartsTest {

    @Test
    void ratesReadAsCeleryReadsThem() {
        assertThat(TaskRateLimits.perSecond("10/s")).isEqualTo(10.0);
        assertThat(TaskRateLimits.perSecond("30/m")).isEqualTo(0.5);
        assertThat(TaskRateLimits.perSecond("36/h")).isEqualTo(0.01);
        assertThat(TaskRateLimits.perSecond("4")).isEqualTo(4.0);
        assertThat(TaskRateLimits.perSecond("")).isZero();
        assertThat(TaskRateLimits.perSecond("0")).isZero();
        assertThatThrownBy(() -> TaskRateLimits.perSecond("abc"))
                .isInstanceOf(TaskRateLimits.InvalidRate.class)
                .hasMessage("could not convert string to float: 'abc'");
        assertThatThrownBy(() -> TaskRateLimits.perSecond("1/d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("d");
    }

    @Test
    void aRateLimitSpacesStartsAndZeroRemovesIt() {
        TaskRateLimits limits = new TaskRateLimits();
        assertThat(limits.set("t", "20/s")).isTrue();
        assertThat(limits.of("t")).isEqualTo("20/s");
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            limits.await("t", () -> true);
        }
        // the first at once, then one every 50 ms
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(95));
        assertThat(limits.set("t", "0")).isFalse();
        assertThat(limits.of("t")).isNull();
    }

    @Test
    void signalsAreTermOrKillByCeleryNames() {
        assertThat(ControlPanel.signum(null)).isEqualTo(15);
        assertThat(ControlPanel.signum("SIGTERM")).isEqualTo(15);
        assertThat(ControlPanel.signum("term")).isEqualTo(15);
        assertThat(ControlPanel.signum("KILL")).isEqualTo(9);
        assertThat(ControlPanel.signum("9")).isEqualTo(9);
        assertThatThrownBy(() -> ControlPanel.signum("USR1")).hasMessageContaining("TERM or KILL");
    }

    @Test
    void rusageComesFromProc() {
        String stat = "4588 (java (main)) S 4585 4585 25740 0 -1 4194304 123 7 2 0 250 40 0 0 20 0 1 0 695040";
        String status =
                "Name:\tjava\nVmHWM:\t  204800 kB\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n";
        String io = "rchar: 1\nread_bytes: 1024\nwrite_bytes: 4096\n";
        Map<String, Object> r = ProcessUsage.fromProc(stat, status, io);
        assertThat(r)
                .containsEntry("utime", 2.5)
                .containsEntry("stime", 0.4)
                .containsEntry("maxrss", 204800L)
                .containsEntry("minflt", 123L)
                .containsEntry("majflt", 2L)
                .containsEntry("inblock", 2L)
                .containsEntry("oublock", 8L)
                .containsEntry("nvcsw", 12L)
                .containsEntry("nivcsw", 3L);
        assertThat(r.keySet()).hasSize(16);
        assertThat(ProcessUsage.read().get("utime")).isInstanceOf(Double.class);
    }

    @Test
    void theAllowListNamesOnlyCommandsThatChangeANode() {
        assertThat(new CeleryWorkerProperties.Control(Set.of("shutdown"), 100, Duration.ofSeconds(1)).allow())
                .containsExactly("shutdown");
        assertThatThrownBy(() -> new CeleryWorkerProperties.Control(Set.of("ping"), 100, Duration.ofSeconds(1)))
                .hasMessageContaining("[ping]");
        CeleryWorkerProperties defaults = new CeleryWorkerProperties(
                "",
                true,
                new CeleryWorkerProperties.Control(Set.of(), 100, Duration.ofSeconds(1)),
                new CeleryWorkerProperties.Events(false, false, true, Duration.ofSeconds(2)));
        assertThat(defaults.hostnameFor("node-1")).isEqualTo("celery@node-1");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode arg(String object, String name) {
        return json(object).path(name);
    }

    @Test
    void poolCountsArePositiveIntegersAndOneWhenNotGiven() {
        assertThat(ControlArguments.count(arg("{}", "n"))).isEqualTo(1);
        assertThat(ControlArguments.count(arg("{\"n\": null}", "n"))).isEqualTo(1);
        assertThat(ControlArguments.count(arg("{\"n\": 50000}", "n"))).isEqualTo(50_000);
        for (String bad : List.of("0", "-3", "1.5", "\"4\"", "1e12", "99999999999", "[1]", "true")) {
            assertThatThrownBy(() -> ControlArguments.count(arg("{\"n\": " + bad + "}", "n")))
                    .as(bad)
                    .isInstanceOf(ControlArguments.Refused.class)
                    .hasMessageStartingWith("n must be a positive integer");
        }
    }

    @Test
    void queueNamesAreShortPrintableStrings() {
        assertThat(ControlArguments.queue(arg("{\"queue\": \"video\"}", "queue"), true))
                .isEqualTo("video");
        assertThat(ControlArguments.queue(arg("{}", "queue"), false)).isNull();
        assertThatThrownBy(() -> ControlArguments.queue(arg("{}", "queue"), true))
                .hasMessage("queue is required");
        for (String bad : List.of("\"\"", "\"  \"", "7", "{\"a\": 1}", "\"a\\nb\"", "\"" + "q".repeat(256) + "\"")) {
            assertThatThrownBy(() -> ControlArguments.queue(arg("{\"queue\": " + bad + "}", "queue"), true))
                    .as(bad)
                    .isInstanceOf(ControlArguments.Refused.class);
        }
    }

    @Test
    void ratesAreCeleryRatesAndNeverNegativeOrInfinite() {
        assertThat(ControlArguments.rate(arg("{\"r\": \"10/m\"}", "r"))).isEqualTo("10/m");
        assertThat(ControlArguments.rate(arg("{\"r\": 5}", "r"))).isEqualTo("5");
        assertThat(ControlArguments.rate(arg("{\"r\": null}", "r"))).isEmpty();
        assertThatThrownBy(() -> ControlArguments.rate(arg("{}", "r"))).isInstanceOf(ControlArguments.Refused.class);
        assertThatThrownBy(() -> ControlArguments.rate(arg("{\"r\": {\"x\": 1}}", "r")))
                .isInstanceOf(ControlArguments.Refused.class);
        for (String bad : List.of("-5/s", "NaN/s", "Infinity", "1e400/m", "ten/s")) {
            assertThatThrownBy(() -> ControlArguments.rate(arg("{\"r\": \"" + bad + "\"}", "r")))
                    .as(bad)
                    .isInstanceOf(TaskRateLimits.InvalidRate.class);
        }
        // Celery's KeyError for a unit it has no modifier for
        assertThatThrownBy(() -> ControlArguments.rate(arg("{\"r\": \"1/d\"}", "r")))
                .isNotInstanceOf(ControlArguments.Refused.class)
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timeLimitsAreSecondsAboveZeroWithSoftAtMostHard() {
        ControlArguments.TimeLimits limits = ControlArguments.timeLimits(json("1.5"), json("5"));
        assertThat(limits.soft()).isEqualTo(Duration.ofMillis(1500));
        assertThat(limits.hard()).isEqualTo(Duration.ofSeconds(5));
        // 0 and null are "no limit", as in Celery, and the only way the CLI can clear one
        assertThat(ControlArguments.timeLimits(json("0"), json("null")))
                .isEqualTo(new ControlArguments.TimeLimits(null, null));
        assertThatThrownBy(() -> ControlArguments.timeLimits(json("10"), json("5")))
                .hasMessage("soft time limit (10 s) is above the hard one (5 s)");
        for (String bad : List.of("-1", "\"5\"", "1e300", "[1]", "true")) {
            assertThatThrownBy(() -> ControlArguments.timeLimits(json(bad), json("null")))
                    .as(bad)
                    .isInstanceOf(ControlArguments.Refused.class);
        }
    }

    @Test
    void commandsBeyondTheRateAreDroppedUntilTheBucketRefills() {
        AtomicLong now = new AtomicLong();
        ControlRate rate = new ControlRate(100, now::get);
        int taken = 0;
        for (int i = 0; i < 10_000; i++) {
            taken += rate.take() ? 1 : 0;
        }
        assertThat(taken).isEqualTo(100);
        assertThat(rate.droppedTotal()).isEqualTo(9_900);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
        taken = 0;
        for (int i = 0; i < 100; i++) {
            taken += rate.take() ? 1 : 0;
        }
        assertThat(taken).isEqualTo(5);
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertThat(rate.take()).isTrue();
    }

    @Test
    void aCommandPastItsDeadlineLetsTheNextOneRun() throws Exception {
        try (DeadlineRunner runner = new DeadlineRunner("test-run", 2, Duration.ofMillis(200))) {
            CountDownLatch release = new CountDownLatch(1);
            List<String> ran = new CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            boolean slowInTime = runner.run(
                    () -> {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        ran.add("slow");
                    },
                    () -> "slow");
            boolean pingInTime = runner.run(() -> ran.add("ping"), () -> "ping");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(slowInTime).isFalse();
            assertThat(pingInTime).isTrue();
            assertThat(ran).containsExactly("ping");
            assertThat(tookMillis).isBetween(150L, 1_500L);

            // every thread held by an overrunning command: the next is refused at once, not queued
            runner.run(
                    () -> {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    () -> "slow 2");
            long refusedAt = System.nanoTime();
            assertThat(runner.run(() -> ran.add("refused"), () -> "refused")).isFalse();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refusedAt))
                    .isLessThan(150);
            release.countDown();
            // the overrunning command was not interrupted: it finishes its work
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ran.contains("slow"));
            assertThat(ran).doesNotContain("refused");
        }
    }
}
