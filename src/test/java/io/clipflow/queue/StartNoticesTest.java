package io.clipflow.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.task.ResultProperties;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StartNoticesTest {

    private StartNotices notices;

    private StartNotices after(Duration delay) {
        notices = new StartNotices(
                new ResultProperties(Duration.ofDays(1), true, ResultProperties.History.OWNED_AND_FAILED, delay));
        return notices;
    }

    @AfterEach
    void close() {
        notices.close();
    }

    @Test
    void aTaskDoneBeforeTheDelayWithholdsItsStartedForGood() {
        AtomicInteger sent = new AtomicInteger();
        StartNotices.Notice notice = after(Duration.ofMillis(50)).announce(sent::incrementAndGet);
        assertThat(notice.withhold()).isFalse();
        // well past the delay, the timer has still sent nothing
        Awaitility.await()
                .during(Duration.ofMillis(150))
                .atMost(Duration.ofSeconds(1))
                .untilAtomic(sent, org.hamcrest.Matchers.equalTo(0));
        notice.flush(); // settled: a later ending sends nothing either
        assertThat(sent).hasValue(0);
    }

    @Test
    void aTaskStillRunningAfterTheDelaySendsItOnceAndItsWorkerKnows() {
        AtomicInteger sent = new AtomicInteger();
        StartNotices.Notice notice = after(Duration.ofMillis(20)).announce(sent::incrementAndGet);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAtomic(sent, org.hamcrest.Matchers.equalTo(1));
        assertThat(notice.withhold()).isTrue();
        notice.flush();
        assertThat(sent).hasValue(1);
    }

    @Test
    void anEndingOtherThanSuccessSendsItAtOnceAndNoDelayMeansAtTheStart() {
        AtomicInteger sent = new AtomicInteger();
        StartNotices.Notice failing = after(Duration.ofSeconds(30)).announce(sent::incrementAndGet);
        failing.flush();
        assertThat(sent).hasValue(1);
        assertThat(failing.withhold()).isTrue();
        notices.close();

        StartNotices.Notice immediate = after(Duration.ZERO).announce(sent::incrementAndGet);
        assertThat(sent).hasValue(2);
        assertThat(immediate.withhold()).isTrue();
    }
}
