package io.clipflow.lock;

import io.clipflow.config.LuaScripts;
import io.clipflow.config.RedisKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A Redis lease lock shaped as a Camel {@link IdempotentRepository}, for the {@code idempotentConsumer} step:
 * {@code add} takes {@code clipflow:lock:<name>:<key>} with {@code SET NX PX <lease>} and renews it every third of
 * the lease while the work runs; {@code confirm} and {@code remove} release it by compare-and-delete. A crashed holder's
 * lease therefore lapses within one lease period, not hours. Only the exchange that took a lease can release it: Camel
 * calls confirm/remove for duplicates too, and those must not free somebody else's lock.
 */
public class LeaseLockRepository extends ServiceSupport implements IdempotentRepository {

    private static final Logger log = LoggerFactory.getLogger(LeaseLockRepository.class);

    /**
     * SET NX PX, except that a lease whose holder's node has no heartbeat is void and taken over: a recovered task
     * must not wait out (or be skipped by) the lease of the node that died running it (lua/lease-acquire.lua).
     */
    private static final RedisScript<Long> ACQUIRE = LuaScripts.script("lease-acquire", Long.class);

    private static final RedisScript<Long> RENEW = LuaScripts.script("lease-renew", Long.class);
    private static final RedisScript<Long> RELEASE = LuaScripts.script("lease-release", Long.class);

    private final String name;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration lease;
    private final String node;
    private final ScheduledExecutorService renewer;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();

    private record Lease(String token, String exchangeId, ScheduledFuture<?> renewal) {}

    public LeaseLockRepository(
            String name,
            StringRedisTemplate redis,
            RedisKeys keys,
            Duration lease,
            String node,
            ScheduledExecutorService renewer) {
        this.name = name;
        this.redis = redis;
        this.keys = keys;
        this.lease = lease;
        this.node = node;
        this.renewer = renewer;
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        String owner = exchange == null ? null : exchange.getVariable("taskId", String.class);
        String token = (owner == null ? UUID.randomUUID().toString() : owner) + "@" + node + "#" + UUID.randomUUID();
        String redisKey = keys.lock(name, key);
        Long taken = redis.execute(ACQUIRE, List.of(redisKey), token, String.valueOf(lease.toMillis()), keys.node(""));
        if (taken == null || taken == 0) {
            return false;
        }
        if (taken == 2) {
            log.warn("took over lease {} from a node without heartbeat", redisKey);
        }
        long every = Math.max(1, lease.toMillis() / 3);
        ScheduledFuture<?> renewal =
                renewer.scheduleAtFixedRate(() -> renew(redisKey, token), every, every, TimeUnit.MILLISECONDS);
        held.put(key, new Lease(token, exchange == null ? null : exchange.getExchangeId(), renewal));
        return true;
    }

    @Override
    public boolean add(String key) {
        return add(null, key);
    }

    @Override
    public boolean contains(String key) {
        return Boolean.TRUE.equals(redis.hasKey(keys.lock(name, key)));
    }

    @Override
    public boolean contains(Exchange exchange, String key) {
        return contains(key);
    }

    @Override
    public boolean confirm(Exchange exchange, String key) {
        return release(exchange, key);
    }

    @Override
    public boolean confirm(String key) {
        return release(null, key);
    }

    @Override
    public boolean remove(Exchange exchange, String key) {
        return release(exchange, key);
    }

    @Override
    public boolean remove(String key) {
        return release(null, key);
    }

    /** Releases every lease this node holds (used on shutdown); never touches other nodes' leases. */
    @Override
    public void clear() {
        held.keySet().forEach(k -> release(null, k));
    }

    /** The task and node holding a lock, e.g. {@code 5f1c…@node-8080}; empty when free. */
    public Optional<String> holder(String key) {
        String token = redis.opsForValue().get(keys.lock(name, key));
        return Optional.ofNullable(token).map(t -> t.contains("#") ? t.substring(0, t.lastIndexOf('#')) : t);
    }

    private boolean release(Exchange exchange, String key) {
        Lease lease = held.get(key);
        if (lease == null
                || (exchange != null
                        && lease.exchangeId() != null
                        && !lease.exchangeId().equals(exchange.getExchangeId()))) {
            return false;
        }
        held.remove(key, lease);
        lease.renewal().cancel(false);
        Long deleted = redis.execute(RELEASE, List.of(keys.lock(name, key)), lease.token());
        return deleted != null && deleted == 1;
    }

    private void renew(String redisKey, String token) {
        try {
            Long ok = redis.execute(RENEW, List.of(redisKey), token, String.valueOf(lease.toMillis()));
            if (ok == null || ok == 0) {
                log.warn("lease {} was lost before its work finished (expired or taken over)", redisKey);
            }
        } catch (RuntimeException e) {
            log.warn("could not renew lease {}: {}", redisKey, e.getMessage());
        }
    }

    @Override
    protected void doStop() {
        clear();
    }
}
