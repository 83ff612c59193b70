package io.clipflow.queue;

import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.task.TaskBookkeeping;
import io.clipflow.task.TaskLifecycleEvents;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker's endings, on this node's processing list in Redis. */
@Configuration(proxyBeanMethods = false)
class WorkerConfig {

    @Bean
    TaskCompletion taskCompletion(
            ReliableQueue queue,
            DeadLetters deadLetters,
            TaskBookkeeping bookkeeping,
            TaskLifecycleEvents events,
            CeleryEventDispatcher celeryEvents,
            CeleryWorkerState celery,
            FollowUps followUps,
            RetryPolicy retry,
            CeleryMessageCodec codec,
            TaskMetrics metrics,
            StartNotices starts,
            Clock clock,
            ClipflowProperties properties) {
        return new TaskCompletion(
                new RedisDelivery(queue, deadLetters, properties.nodeName()),
                bookkeeping,
                events,
                celeryEvents,
                followUps,
                retry,
                codec,
                metrics,
                starts,
                clock,
                celery.hostname());
    }
}
