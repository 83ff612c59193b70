package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {

    private final List<Double> reported = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private final ProgressTracker tracker = new ProgressTracker(10.0, reported::add, clock::get);

    private void block(String outTimeUs, long atMillis) {
        clock.set(atMillis * 1_000_000);
        tracker.onLine("frame=12");
        tracker.onLine("out_time_us=" + outTimeUs);
        tracker.onLine("out_time_ms=" + outTimeUs);
        tracker.onLine("out_time=00:00:01.000000");
        tracker.onLine("progress=continue");
    }

    @Test
    void reportsFractionsOfTheDuration() {
        block("2500000", 0);
        block("5000000", 500);

        assertThat(reported).containsExactly(0.25, 0.5);
    }

    @Test
    void neverGoesBackwardsAndReportsOneOnlyAtTheEnd() {
        block("N/A", 0);
        block("4000000", 500);
        block("3000000", 1000);
        block("12000000", 1500);
        tracker.onLine("progress=end");
        tracker.finish();
        tracker.finish();

        assertThat(reported).containsExactly(0.4, ProgressTracker.LIVE_CAP, 1.0);
        assertThat(reported).isSorted();
    }

    @Test
    void reportsAtMostFourTimesPerSecond() {
        for (int i = 1; i <= 20; i++) {
            block(Long.toString(i * 100_000L), i * 50L);
        }

        assertThat(reported).hasSizeBetween(4, 5).isSorted();
    }

    @Test
    void keepsGoingWhenTheListenerFails() {
        List<Double> seen = new ArrayList<>();
        ProgressTracker failing = new ProgressTracker(
                10.0,
                f -> {
                    seen.add(f);
                    throw new IllegalStateException("redis down");
                },
                clock::get);

        failing.onLine("out_time_us=1000000");
        failing.onLine("progress=continue");
        failing.finish();

        assertThat(seen).containsExactly(0.1, 1.0);
    }
}
