package io.clipflow.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.security.ClipflowUser;
import io.clipflow.security.Role;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class SubscriberTest {

    static Event event(long ms) {
        return new Event(ms + "-0", "{\"id\":\"" + ms + "-0\",\"type\":\"progress\"}");
    }

    @Test
    void liveEventsThatArriveDuringTheReplayFollowItInOrderWithoutDuplicates() {
        RecordingSink sink = new RecordingSink(null);
        Subscriber subscriber = new Subscriber("video.1", sink, Runnable::run, 1 << 20);
        subscriber.control("{\"type\":\"connected\"}");
        subscriber.live(event(3));
        subscriber.live(event(4));
        subscriber.replayed(List.of(event(2), event(3)));
        subscriber.live(event(4));
        subscriber.live(event(5));

        assertThat(sink.sent).containsExactly("{\"type\":\"connected\"}", "2-0", "3-0", "4-0", "5-0");
    }

    @Test
    void aClientThatStopsReadingIsClosedOnceItsOutboxIsFullAndNeverHoldsUpThePublisher() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        RecordingSink sink = new RecordingSink(stuck);
        ExecutorService senders = Executors.newSingleThreadExecutor();
        try {
            Subscriber subscriber = new Subscriber("video.1", sink, senders, 1_000);
            subscriber.replayed(List.of());
            long start = System.nanoTime();
            for (int i = 1; i <= 100; i++) {
                subscriber.live(event(i));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(subscriber.isClosed()).isTrue();
            stuck.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sink.closedWith != null);
            assertThat(sink.closedWith).contains("too slow");
            assertThat(sink.sent.size()).isLessThan(100);
        } finally {
            senders.shutdownNow();
            senders.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void pathsNameTheSeedsTopics() {
        ClipflowUser alice = new ClipflowUser(7, "alice", Role.USER);
        assertThat(EventSocketHandler.topicOf("/ws/videos/12", alice)).isEqualTo("video.12");
        assertThat(EventSocketHandler.topicOf("/ws/tasks/9d87d2f7-f173", alice)).isEqualTo("task.9d87d2f7-f173");
        assertThat(EventSocketHandler.topicOf("/ws/users/me", alice)).isEqualTo("user.7");
        assertThat(EventSocketHandler.topicOf("/ws/projects/p1/stage/script/", alice))
                .isEqualTo("project.p1.stage.script");
        assertThat(EventSocketHandler.topicOf("/ws/projects/p1/", alice)).isEqualTo("project.p1");
        assertThat(EventSocketHandler.topicOf("/ws/videos/abc", alice)).isNull();
        assertThat(EventSocketHandler.topicOf("/ws/users/8", alice)).isNull();
        assertThat(EventSocketHandler.topicOf("/ws/other/1", alice)).isNull();
    }

    @Test
    void historyIdsCompareAsNumbers() {
        assertThat(Event.compareIds("9-0", "10-0")).isNegative();
        assertThat(Event.compareIds("10-2", "10-10")).isNegative();
        assertThat(Event.compareIds("10-1", "10-1")).isZero();
        assertThat(Event.isValidId("1795363551935-0")).isTrue();
        assertThat(Event.isValidId("$")).isFalse();
        assertThat(EventHub.idOf("{\"id\":\"5-1\",\"type\":\"done\"}")).isEqualTo("5-1");
        assertThat(EventHub.idOf("{\"type\":\"token\"}")).isNull();
    }

    private static final class RecordingSink implements Sink {

        @Override
        public String transport() {
            return "test";
        }

        final List<String> sent = new CopyOnWriteArrayList<>();
        final CountDownLatch blockUntil;
        volatile String closedWith;

        RecordingSink(CountDownLatch blockUntil) {
            this.blockUntil = blockUntil;
        }

        @Override
        public void event(Event event) {
            await();
            sent.add(event.id());
        }

        @Override
        public void control(String json) {
            sent.add(json);
        }

        @Override
        public void heartbeat() {}

        @Override
        public void close(String reason) {
            closedWith = reason;
        }

        private void await() {
            if (blockUntil != null) {
                try {
                    blockUntil.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
