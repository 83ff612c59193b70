package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import java.time.Duration;

/**
 * What a Celery worker reports about each task it handles: its monitoring events ({@code task-received} …) and the
 * counts of {@code inspect stats}. {@link TaskCompletion} calls it at each ending, after the ending's own effects, so a
 * monitor that reads the result on {@code task-succeeded} finds it stored.
 */
interface WorkerEvents {

    /** The message arrived and will run, or (with an ETA) was parked to run later. */
    void received(CeleryMessage message);

    /** It starts running here. */
    void started(CeleryMessage message);

    void succeeded(CeleryMessage message, Object result, Duration runtime);

    /** It failed and will run again ({@code excType} as results name it). */
    void retried(CeleryMessage message, String excType, Throwable failure);

    /** It failed for good. */
    void failed(CeleryMessage message, String excType, Throwable failure);

    /** It was refused without running, back on its queue when {@code requeue}. */
    void rejected(CeleryMessage message, boolean requeue);

    /** It ended REVOKED: stopped while running ({@code terminated}), or not run (revoked, or {@code expired}). */
    void revoked(CeleryMessage message, boolean terminated, boolean expired);

    /** Reports nothing: for tests of the endings alone. */
    WorkerEvents NONE = new WorkerEvents() {
        @Override
        public void received(CeleryMessage message) {}

        @Override
        public void started(CeleryMessage message) {}

        @Override
        public void succeeded(CeleryMessage message, Object result, Duration runtime) {}

        @Override
        public void retried(CeleryMessage message, String excType, Throwable failure) {}

        @Override
        public void failed(CeleryMessage message, String excType, Throwable failure) {}

        @Override
        public void rejected(CeleryMessage message, boolean requeue) {}

        @Override
        public void revoked(CeleryMessage message, boolean terminated, boolean expired) {}
    };
}
