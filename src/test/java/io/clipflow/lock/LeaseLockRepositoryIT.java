package io.clipflow.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.testsupport.IntegrationTestBase;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The lease lock against real Redis: NX, PX expiry, renewal while held, release only by its holder. */
class LeaseLockRepositoryIT extends IntegrationTestBase {

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    ClipflowProperties properties;

    @Autowired
    CamelContext camel;

    ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
    LeaseLockRepository lock;

    @BeforeEach
    void newLock() {
        lock = new LeaseLockRepository("test", redis, keys, Duration.ofMillis(900), "node-a", renewer);
        // holders on live nodes; a lease of a node without heartbeat is void (see below)
        redis.opsForValue().set(keys.node("node-a"), "alive", Duration.ofMinutes(1));
        redis.opsForValue().set(keys.node("stalled-node"), "alive", Duration.ofMinutes(1));
        redis.opsForValue().set(keys.node("node-b"), "alive", Duration.ofMinutes(1));
    }

    @AfterEach
    void stop() {
        lock.clear();
        renewer.shutdownNow();
    }

    @Test
    void secondAddOfAHeldKeyIsRefusedAndTheLeaseHasAnExpiry() {
        assertThat(lock.add(exchange("t1"), "k1")).isTrue();
        assertThat(lock.add(exchange("t2"), "k1")).isFalse();
        Long ttl = redis.getExpire(keys.lock("test", "k1"), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(ttl).isBetween(1L, 900L);
        assertThat(lock.holder("k1")).contains("t1@node-a");
    }

    @Test
    void aHeldLeaseIsRenewedPastItsLeaseTime() {
        assertThat(lock.add(exchange("t1"), "k2")).isTrue();
        String key = keys.lock("test", "k2");
        // three lease periods: without renewal the key would be gone after the first
        Awaitility.await()
                .during(Duration.ofMillis(2700))
                .atMost(Duration.ofSeconds(4))
                .until(() -> Boolean.TRUE.equals(redis.hasKey(key)));
    }

    @Test
    void aLeaseThatStopsBeingRenewedLapsesWithinTheLease() {
        redis.opsForValue().set(keys.lock("test", "k3"), "stuck-task@stalled-node#1", Duration.ofMillis(900));
        assertThat(lock.add(exchange("t1"), "k3")).isFalse();
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> lock.add(exchange("t1"), "k3"));
    }

    @Test
    void aLeaseHeldByANodeWithoutHeartbeatIsTakenOverAtOnce() {
        redis.opsForValue().set(keys.lock("test", "k6"), "dead-task@dead-node#1", Duration.ofMinutes(5));
        assertThat(lock.add(exchange("t1"), "k6")).isTrue();
        assertThat(lock.holder("k6")).contains("t1@node-a");
    }

    @Test
    void onlyTheExchangeThatTookTheLeaseReleasesIt() {
        Exchange holder = exchange("t1");
        assertThat(lock.add(holder, "k4")).isTrue();
        Exchange duplicate = exchange("t2");
        assertThat(lock.add(duplicate, "k4")).isFalse();
        assertThat(lock.confirm(duplicate, "k4")).isFalse();
        assertThat(lock.remove(duplicate, "k4")).isFalse();
        assertThat(redis.hasKey(keys.lock("test", "k4"))).isTrue();
        assertThat(lock.confirm(holder, "k4")).isTrue();
        assertThat(redis.hasKey(keys.lock("test", "k4"))).isFalse();
    }

    @Test
    void releaseNeverDeletesALeaseSomebodyElseTookAfterOursLapsed() {
        Exchange holder = exchange("t1");
        assertThat(lock.add(holder, "k5")).isTrue();
        // simulate our lease lapsing (e.g. a long pause) and another node taking the key
        redis.opsForValue().set(keys.lock("test", "k5"), "t9@node-b#z", Duration.ofSeconds(30));
        assertThat(lock.remove(holder, "k5")).isFalse();
        assertThat(redis.opsForValue().get(keys.lock("test", "k5"))).isEqualTo("t9@node-b#z");
        redis.delete(keys.lock("test", "k5"));
    }

    private Exchange exchange(String taskId) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable("taskId", taskId);
        return exchange;
    }
}
