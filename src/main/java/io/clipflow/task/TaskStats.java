package io.clipflow.task;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the task history says (GET /api/ops/stats).
 *
 * @param byState every history row counted by state
 * @param finishedLastMinute tasks that ended in the last minute, by state
 * @param finishedLastHour tasks that ended in the last hour, by state
 * @param failureRateLastHour FAILURE / (SUCCESS + FAILURE) over the last hour, 0 when nothing ended
 * @param failureRateOf which tasks that rate is over: {@link #ALL_TASKS}, or {@link #OWNED_TASKS} when the history
 *     keeps no row for anonymous successes ({@code clipflow.results.history=owned-and-failed}, the default)
 * @param runtimeSeconds per task name: count, p50, p95, p99 and max runtime in seconds of successes in the last day
 */
public record TaskStats(
        Map<String, Long> byState,
        Map<String, Long> finishedLastMinute,
        Map<String, Long> finishedLastHour,
        double failureRateLastHour,
        String failureRateOf,
        Map<String, Map<String, Number>> runtimeSeconds) {

    public static final String ALL_TASKS = "all tasks";
    public static final String OWNED_TASKS = "tasks sent through the API or an upload";

    static TaskStats of(
            List<Object[]> byState,
            List<Object[]> lastMinute,
            List<Object[]> lastHour,
            List<Object[]> rateBasis,
            String rateOf,
            List<Object[]> runs) {
        Map<String, Long> hour = counts(lastHour);
        Map<String, Long> basis = counts(rateBasis);
        long ok = basis.getOrDefault("SUCCESS", 0L);
        long failed = basis.getOrDefault("FAILURE", 0L);
        Map<String, List<Double>> byName = new TreeMap<>();
        for (Object[] row : runs) {
            double seconds =
                    Duration.between((Instant) row[1], (Instant) row[2]).toMillis() / 1000.0;
            byName.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add(seconds);
        }
        Map<String, Map<String, Number>> runtimes = new TreeMap<>();
        byName.forEach((name, values) -> {
            values.sort(null);
            Map<String, Number> p = new java.util.LinkedHashMap<>();
            p.put("count", values.size());
            p.put("p50", percentile(values, 50));
            p.put("p95", percentile(values, 95));
            p.put("p99", percentile(values, 99));
            p.put("max", values.get(values.size() - 1));
            runtimes.put(name, p);
        });
        return new TaskStats(
                counts(byState),
                counts(lastMinute),
                hour,
                ok + failed == 0 ? 0.0 : (double) failed / (ok + failed),
                rateOf,
                runtimes);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static Map<String, Long> counts(List<Object[]> rows) {
        Map<String, Long> counts = new TreeMap<>();
        for (Object[] row : rows) {
            counts.put(String.valueOf(row[0]), ((Number) row[1]).longValue());
        }
        return counts;
    }
}
