package io.clipflow.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.config.Roles;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code clipflow.queues.<queue>.*} and {@code clipflow.roles} are bound once and checked at start-up. */
class QueuePropertiesTest {

    @EnableConfigurationProperties({QueueProperties.class, Roles.class})
    static class Bound {}

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Bound.class);

    @Test
    void aQueueTakesItsSettingsAndAnUnlistedOneTheDefaults() {
        context.withPropertyValues("clipflow.queues.video.concurrency=3", "clipflow.queues.video.events=false")
                .run(c -> {
                    QueueProperties queues = c.getBean(QueueProperties.class);
                    assertThat(queues.of("video")).isEqualTo(new QueueProperties.Queue(3, true, false, null));
                    assertThat(queues.of("llm")).isEqualTo(QueueProperties.DEFAULT);
                });
    }

    @Test
    void aQueueWithoutWorkersFailsStartUpNamingTheKey() {
        context.withPropertyValues("clipflow.queues.video.concurrency=0").run(c -> assertThat(c)
                .hasFailed()
                .getFailure()
                .hasStackTraceContaining("queues[video].concurrency")
                .hasStackTraceContaining("rejected value [0]"));
    }

    @Test
    void aQueuesCeilingIsEightThreadsPerCoreAtLeastItsConcurrencyUnlessSet() {
        int perMachine = Math.min(8 * Runtime.getRuntime().availableProcessors(), 1024);
        context.withPropertyValues(
                        "clipflow.queues.video.concurrency=2",
                        "clipflow.queues.big.concurrency=" + (perMachine + 5),
                        "clipflow.queues.set.concurrency=2",
                        "clipflow.queues.set.max-concurrency=6")
                .run(c -> {
                    QueueProperties queues = c.getBean(QueueProperties.class);
                    assertThat(queues.of("video").maxConcurrency()).isEqualTo(perMachine);
                    assertThat(queues.of("big").maxConcurrency()).isEqualTo(perMachine + 5);
                    assertThat(queues.of("set").maxConcurrency()).isEqualTo(6);
                    assertThat(queues.of("unlisted").maxConcurrency()).isEqualTo(perMachine);
                });
    }

    @Test
    void aCeilingBelowTheConcurrencyOrAboveTheConnectionsFailsStartUp() {
        context.withPropertyValues("clipflow.queues.video.concurrency=4", "clipflow.queues.video.max-concurrency=2")
                .run(c -> assertThat(c)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("max-concurrency (2) is below concurrency (4)"));
        context.withPropertyValues("clipflow.queues.video.max-concurrency=50000")
                .run(c -> assertThat(c)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("queues[video].maxConcurrency")
                        .hasStackTraceContaining("rejected value [50000]"));
    }

    @Test
    void rolesAreReadOnceAndAnUnknownRoleFailsStartUp() {
        context.withPropertyValues("clipflow.roles=worker", "clipflow.worker.queues=video, llm")
                .run(c -> {
                    Roles roles = c.getBean(Roles.class);
                    assertThat(roles.isWeb()).isFalse();
                    assertThat(roles.isWorker()).isTrue();
                    assertThat(roles.consumes("video")).isTrue();
                    assertThat(roles.consumes("celery")).isFalse();
                });
        context.withPropertyValues("clipflow.roles=web,beat")
                .run(c -> assertThat(c).hasFailed().getFailure().hasStackTraceContaining("unknown role 'beat'"));
    }

    @Test
    void aNodeWithoutTheWorkerRoleConsumesNothing() {
        Roles web = new Roles("web", new Roles.Worker("video"));
        assertThat(web.consumes("video")).isFalse();
        assertThat(Roles.all().consumes("anything")).isTrue();
    }
}
