package io.clipflow.testsupport;

import io.clipflow.celery.CeleryResult;
import io.clipflow.video.Video;

/** Entry points for Clipflow's own AssertJ assertions; import statically beside {@code Assertions.assertThat}. */
public final class ClipflowAssertions {

    private ClipflowAssertions() {}

    public static ResultAssert assertThatResult(CeleryResult result) {
        return new ResultAssert(result);
    }

    public static VideoAssert assertThatVideo(Video video) {
        return new VideoAssert(video);
    }
}
