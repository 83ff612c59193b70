package io.clipflow.video;

/** A task names a video id that has no row (e.g. a Celery producer sent a stale id). */
public class VideoNotFoundException extends RuntimeException {
    public VideoNotFoundException(long id) {
        super("video " + id + " not found");
    }
}
