package io.clipflow.schedule;

import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Header;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.stereotype.Component;

/**
 * Routes schedule-*: the last step of every scheduled route records which node ran which firing, so an operator (and
 * the cluster test) can see that each trigger fired once and where. Kept in Redis, trimmed to the last few runs.
 */
@Component("scheduleRuns")
public class ScheduleRuns {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final ScheduleProperties properties;
    private final String node;
    private final MeterRegistry meters;

    ScheduleRuns(
            StringRedisTemplate redis,
            RedisKeys keys,
            ScheduleProperties properties,
            ClipflowProperties clipflow,
            MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.properties = properties;
        this.node = clipflow.nodeName();
        this.meters = meters;
    }

    /**
     * Records one firing of the job named {@code job} (the route's trigger name, e.g. {@code pending-scan}; Camel
     * names the job after its trigger). The job's name, not the trigger's: a "run now" fires the job through a
     * one-off trigger of its own name.
     */
    public void ran(
            @Header("jobDetail") org.quartz.JobDetail jobDetail,
            @Header("triggerName") String trigger,
            @Header("scheduledFireTime") Date scheduled) {
        String job = jobDetail != null ? jobDetail.getKey().getName() : trigger;
        long fire = scheduled == null ? System.currentTimeMillis() : scheduled.getTime();
        String key = keys.scheduleRuns(job);
        redis.opsForZSet().add(key, fire + " " + node, fire);
        redis.opsForZSet().removeRange(key, 0, -(properties.runsKept() + 1L));
        Counter.builder("clipflow.schedule.runs")
                .description("Scheduled job runs on this node")
                .tag("job", job)
                .register(meters)
                .increment();
    }

    /** Recent runs of a job, oldest first: scheduled fire time (ms) and node. */
    public List<Run> runs(String job) {
        Set<TypedTuple<String>> all = redis.opsForZSet().rangeWithScores(keys.scheduleRuns(job), 0, -1);
        List<Run> runs = new ArrayList<>();
        if (all != null) {
            for (TypedTuple<String> t : all) {
                String v = t.getValue();
                int cut = v.indexOf(' ');
                runs.add(new Run(Long.parseLong(v.substring(0, cut)), v.substring(cut + 1)));
            }
        }
        return runs;
    }

    /** Every job's recent runs, for GET /api/ops/schedules. */
    public Map<String, List<Run>> all() {
        Map<String, List<Run>> out = new LinkedHashMap<>();
        for (String job : List.of("pending-scan", "orphans", "cleanup", "monitoring")) {
            out.put(job, runs(job));
        }
        return out;
    }

    /** One firing: when it was scheduled for (epoch ms) and the node that ran it. */
    public record Run(long scheduledFireTime, String node) {}
}
