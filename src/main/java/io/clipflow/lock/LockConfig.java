package io.clipflow.lock;

import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

@Configuration(proxyBeanMethods = false)
class LockConfig {

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService leaseRenewer() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-renewer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Lease lock on video ids, used by route video-process's idempotentConsumer step. */
    @Bean("videoLock")
    LeaseLockRepository videoLock(
            StringRedisTemplate redis,
            RedisKeys keys,
            LockProperties properties,
            ClipflowProperties clipflow,
            ScheduledExecutorService leaseRenewer) {
        return new LeaseLockRepository("video", redis, keys, properties.lease(), clipflow.nodeName(), leaseRenewer);
    }

    /** Lease lock on resumable upload ids: one PATCH (or DELETE) at a time per upload, across nodes. */
    @Bean("uploadLock")
    LeaseLockRepository uploadLock(
            StringRedisTemplate redis,
            RedisKeys keys,
            LockProperties properties,
            ClipflowProperties clipflow,
            ScheduledExecutorService leaseRenewer) {
        return new LeaseLockRepository("upload", redis, keys, properties.lease(), clipflow.nodeName(), leaseRenewer);
    }
}
