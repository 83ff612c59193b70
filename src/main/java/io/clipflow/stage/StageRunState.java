package io.clipflow.stage;

import java.util.EnumSet;
import java.util.Set;

/** Lifecycle of one attempt of a stage; the enum owns which moves are allowed, {@link StageRuns} makes them. */
public enum StageRunState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    /** This attempt failed and the task will run again (a retry's row is the next attempt's). */
    RETRYING,
    FAILED,
    REVOKED;

    private Set<StageRunState> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(RUNNING, REVOKED, FAILED);
                // RUNNING -> RUNNING is the same attempt delivered again after a worker was lost
            case RUNNING -> EnumSet.of(RUNNING, SUCCEEDED, RETRYING, FAILED, REVOKED);
                // RETRYING -> RUNNING: the attempt was handed back at a shutdown and runs again under the same number
            case RETRYING -> EnumSet.of(RUNNING);
            case SUCCEEDED, FAILED, REVOKED -> EnumSet.noneOf(StageRunState.class);
        };
    }

    public boolean canTransitionTo(StageRunState target) {
        return next().contains(target);
    }

    /** No move leaves this state: the attempt is over. */
    public boolean isFinal() {
        return next().isEmpty();
    }

    /** Still counted against a user's concurrent stages. */
    public boolean active() {
        return this == PENDING || this == RUNNING;
    }
}
