package io.clipflow.video;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VideoStatusTest {

    @Test
    void followsTheHappyPathFromUploadToReady() {
        assertThat(VideoStatus.UPLOADED.canTransitionTo(VideoStatus.QUEUED)).isTrue();
        assertThat(VideoStatus.QUEUED.canTransitionTo(VideoStatus.PROCESSING)).isTrue();
        assertThat(VideoStatus.PROCESSING.canTransitionTo(VideoStatus.READY)).isTrue();
    }

    @Test
    void deletedIsFinal() {
        for (VideoStatus target : VideoStatus.values()) {
            assertThat(VideoStatus.DELETED.canTransitionTo(target))
                    .as("DELETED -> " + target)
                    .isFalse();
        }
    }

    @Test
    void readyIsOnlyReachedFromProcessing() {
        for (VideoStatus from : VideoStatus.values()) {
            assertThat(from.canTransitionTo(VideoStatus.READY))
                    .as(from + " -> READY")
                    .isEqualTo(from == VideoStatus.PROCESSING);
        }
    }

    @Test
    void aFinishedVideoCanBeProcessedAgain() {
        assertThat(VideoStatus.READY.canTransitionTo(VideoStatus.PROCESSING)).isTrue();
        assertThat(VideoStatus.FAILED.canTransitionTo(VideoStatus.QUEUED)).isTrue();
    }
}
