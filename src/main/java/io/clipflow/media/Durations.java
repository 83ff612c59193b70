package io.clipflow.media;

import java.time.Duration;
import java.util.Locale;

final class Durations {

    private Durations() {}

    /** PT2H → "2h", PT1M30S → "1m30s": readable in task results. */
    static String human(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
