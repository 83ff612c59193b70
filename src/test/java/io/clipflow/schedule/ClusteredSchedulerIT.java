package io.clipflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.testsupport.AppNode;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Two scheduler nodes (the packaged jar, twice, with the postgres profile: clustered Quartz JDBC store) on one
 * PostgreSQL schema and one Redis prefix. This test's own context shares both but has no scheduler role. Each firing
 * of the (shortened) pending-scan trigger runs on exactly one node; when the node that fires stops, the other takes
 * over; a video committed without its message is enqueued once.
 */
@TestPropertySource(properties = "clipflow.roles=web,worker")
class ClusteredSchedulerIT extends IntegrationTestBase {

    static final String SCHEMA = Postgres.newSchemaName();
    static final Duration START = Duration.ofSeconds(150);

    @Autowired
    ClipflowProperties properties;

    @Autowired
    ScheduleRuns runs;

    @Autowired
    PendingScan scan;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Environment env;

    @Autowired
    CamelContext camel;

    final List<AppNode> nodes = new ArrayList<>();

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        Postgres.register(registry, SCHEMA);
    }

    @BeforeAll
    static void needsPostgres() {
        Postgres.assumeReachable();
    }

    @AfterAll
    static void dropSchema() {
        Postgres.dropSchema(SCHEMA);
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (AppNode node : nodes) {
            node.close();
        }
    }

    @Test
    void eachTriggerFiresOnceAcrossNodesTheSurvivorTakesOverAndALostVideoIsEnqueuedOnce() throws Exception {
        assertThat(camel.getRouteController()
                        .getRouteStatus("schedule-pending-scan")
                        .isStarted())
                .as("no scheduler role here")
                .isFalse();
        camel.getRouteController().stopRoute("video-process");
        String a = "cluster-a-" + UUID.randomUUID().toString().substring(0, 8);
        String b = "cluster-b-" + UUID.randomUUID().toString().substring(0, 8);
        // one after the other, as a rolling deploy does: two nodes creating the Quartz jobs of an empty store at the
        // same instant race on its primary keys and the loser fails to start (known issue, see README)
        AppNode nodeA = start(a).awaitHealthy(START);
        AppNode nodeB = start(b).awaitHealthy(START);

        // both up: every firing once, on one of them
        Instant bothUp = Instant.now();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> since(bothUp).size() >= 8);
        List<ScheduleRuns.Run> together = since(bothUp);
        assertThat(together).allMatch(r -> r.node().equals(a) || r.node().equals(b));
        assertNoFiringTwice();

        // a video committed without its message, on the shared database: enqueued once by whichever node scans
        long lost = lostVideo();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> taskOf(lost) != null);
        Instant requeued = Instant.now();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> since(requeued).size() >= 4);
        List<String> queued = redis.opsForList().range(keys.queue("video"), 0, -1);
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0)).contains(taskOf(lost));
        assertThat(jdbc.queryForObject("select count(*) from task where video_id = ?", Integer.class, lost))
                .isEqualTo(1);

        // the node that fired last stops; the other one carries on alone
        List<ScheduleRuns.Run> all = runs.runs("pending-scan");
        String firing = all.get(all.size() - 1).node();
        String survivor = firing.equals(a) ? b : a;
        Process stopping = (firing.equals(a) ? nodeA : nodeB).process();
        stopping.destroy();
        assertThat(stopping.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Instant stopped = Instant.now();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> since(stopped).size() >= 5);
        assertThat(since(stopped)).allMatch(r -> r.node().equals(survivor));
        assertNoFiringTwice();
        redis.delete(keys.queue("video"));
    }

    private void assertNoFiringTwice() {
        List<ScheduleRuns.Run> all = runs.runs("pending-scan");
        Set<Long> times = new HashSet<>();
        List<ScheduleRuns.Run> twice =
                all.stream().filter(r -> !times.add(r.scheduledFireTime())).collect(Collectors.toList());
        assertThat(twice).as("firings run on two nodes").isEmpty();
    }

    private List<ScheduleRuns.Run> since(Instant t) {
        return runs.runs("pending-scan").stream()
                .filter(r -> r.scheduledFireTime() > t.toEpochMilli())
                .toList();
    }

    private long lostVideo() throws IOException {
        Timestamp old = Timestamp.from(Instant.now().minus(Duration.ofMinutes(10)));
        jdbc.update(
                "insert into video (title, status, source_path, created_at, updated_at) values ('lost', 'UPLOADED',"
                        + " 'x', ?, ?)",
                old,
                old);
        long id = jdbc.queryForObject("select max(id) from video", Long.class);
        Path original = properties.mediaDir().resolve(Long.toString(id)).resolve("original.mp4");
        Files.createDirectories(original.getParent());
        Files.writeString(original, "not really a video");
        jdbc.update("update video set source_path = ? where id = ?", id + "/original.mp4", id);
        return id;
    }

    private String taskOf(long id) {
        return jdbc.queryForObject("select task_id from video where id = ?", String.class, id);
    }

    private AppNode start(String name) {
        AppNode node = AppNode.start(
                name,
                properties.dataDir(),
                "320m",
                List.of(
                        "--spring.profiles.active=postgres",
                        "--clipflow.roles=scheduler",
                        "--clipflow.data-dir=" + properties.dataDir().resolve(name),
                        "--spring.datasource.url=" + Postgres.URL + "?currentSchema=" + SCHEMA,
                        "--spring.datasource.username=" + Postgres.USER,
                        "--spring.datasource.password=",
                        "--spring.flyway.schemas=" + SCHEMA,
                        "--spring.data.redis.url=" + env.getProperty("spring.data.redis.url"),
                        "--clipflow.redis.key-prefix=" + properties.redis().keyPrefix(),
                        "--clipflow.schedule.pending-scan-cron=0/1 * * * * ?",
                        "--clipflow.schedule.pending-grace=1s",
                        "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=1000"));
        nodes.add(node);
        return node;
    }
}
