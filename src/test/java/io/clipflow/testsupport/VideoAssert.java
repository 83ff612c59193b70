package io.clipflow.testsupport;

import io.clipflow.video.Video;
import io.clipflow.video.VideoRendition;
import io.clipflow.video.VideoStatus;
import java.util.List;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/** AssertJ assertions on a video row: {@code assertThatVideo(v).isReadyWith(3).renditions()}. */
public final class VideoAssert extends AbstractAssert<VideoAssert, Video> {

    VideoAssert(Video actual) {
        super(actual, VideoAssert.class);
    }

    public VideoAssert hasStatus(VideoStatus status) {
        isNotNull();
        if (actual.getStatus() != status) {
            failWithMessage(
                    "expected video %s to be %s but it is %s (error: %s)",
                    actual.getId(), status, actual.getStatus(), actual.getError());
        }
        return this;
    }

    public VideoAssert isReady() {
        return hasStatus(VideoStatus.READY);
    }

    /** READY with exactly this many rungs in its HLS ladder. */
    public VideoAssert isReadyWith(int renditions) {
        isReady();
        List<VideoRendition> rungs = actual.getRenditions();
        if (rungs.size() != renditions) {
            failWithMessage(
                    "expected video %s to be ready with %s renditions but it has %s: %s",
                    actual.getId(), renditions, rungs.size(), names(rungs));
        }
        return this;
    }

    /** FAILED, with an error that starts with {@code reason} (e.g. {@code "not a video"}). */
    public VideoAssert isFailedWith(String reason) {
        hasStatus(VideoStatus.FAILED);
        if (actual.getError() == null || !actual.getError().startsWith(reason)) {
            failWithMessage(
                    "expected video %s to fail with <%s...> but its error is <%s>",
                    actual.getId(), reason, actual.getError());
        }
        return this;
    }

    /** The rungs in ladder order (highest first), to go on with AssertJ's list assertions. */
    public ListAssert<VideoRendition> renditions() {
        isNotNull();
        return Assertions.assertThat(actual.getRenditions()).as("renditions of video %s", actual.getId());
    }

    /** The rungs' names in ladder order, e.g. {@code "720p", "480p", "360p"}. */
    public VideoAssert hasRenditions(String... names) {
        renditions().extracting(VideoRendition::getName).containsExactly(names);
        return this;
    }

    private static List<String> names(List<VideoRendition> rungs) {
        return rungs.stream().map(VideoRendition::getName).toList();
    }
}
