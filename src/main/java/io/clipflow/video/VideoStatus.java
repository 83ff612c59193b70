package io.clipflow.video;

import java.util.EnumSet;
import java.util.Set;

/** Lifecycle of a video; the enum owns which moves are allowed so no caller writes a status by hand. */
public enum VideoStatus {
    UPLOADED,
    QUEUED,
    PROCESSING,
    READY,
    FAILED,
    DELETED;

    private Set<VideoStatus> next() {
        return switch (this) {
                // a Celery producer may send process_video for a row it created itself, straight from UPLOADED
            case UPLOADED -> EnumSet.of(QUEUED, PROCESSING, FAILED, DELETED);
            case QUEUED -> EnumSet.of(PROCESSING, FAILED, DELETED);
                // PROCESSING -> PROCESSING is the same task run again after a crash, a shutdown or a retry
            case PROCESSING -> EnumSet.of(PROCESSING, READY, FAILED, QUEUED, DELETED);
                // reprocessing a finished video (new ladder, retried failure)
            case READY, FAILED -> EnumSet.of(QUEUED, PROCESSING, DELETED);
            case DELETED -> EnumSet.noneOf(VideoStatus.class);
        };
    }

    public boolean canTransitionTo(VideoStatus target) {
        return next().contains(target);
    }
}
