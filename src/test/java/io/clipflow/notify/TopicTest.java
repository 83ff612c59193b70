package io.clipflow.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicTest {

    @Test
    void factoriesNameTopicsAsTheyStandInRedisAndOnTheWire() {
        assertThat(Topic.video(12).name()).isEqualTo("video.12");
        assertThat(Topic.task("9d87-ab").name()).isEqualTo("task.9d87-ab");
        assertThat(Topic.user(3).name()).isEqualTo("user.3");
        assertThat(Topic.project("p1").name()).isEqualTo("project.p1");
        assertThat(Topic.projectStage("p1", "rewrite").name()).isEqualTo("project.p1.stage.rewrite");
    }

    @Test
    void parseIsTheInverseOfTheNameAndRefusesWhatIsNoTopic() {
        for (Topic t : new Topic[] {
            Topic.video(12), Topic.task("abc"), Topic.user(3), Topic.project("p"), Topic.projectStage("p", "s")
        }) {
            assertThat(Topic.parse(t.name())).contains(t);
        }
        assertThat(Topic.parse("video.abc")).isEmpty();
        assertThat(Topic.parse("video.0")).isEmpty();
        assertThat(Topic.parse("order.1")).isEmpty();
        assertThat(Topic.parse("task.a b")).isEmpty();
        assertThat(Topic.parse("task." + "x".repeat(65))).isEmpty();
        assertThat(Topic.parse(null)).isEmpty();
        assertThat(Topic.of(Topic.PROJECT, "p", "../x")).isEmpty();
        assertThatThrownBy(() -> Topic.task("../etc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyATasksTopicKeepsNoHistory() {
        assertThat(Topic.task("t").keepsHistory()).isFalse();
        assertThat(Topic.video(1).keepsHistory()).isTrue();
        assertThat(Topic.projectStage("p", "s").keepsHistory()).isTrue();
    }
}
