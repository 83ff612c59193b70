package io.clipflow.media;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProbeLimitsTest {

    private final ProbeLimits limits = new ProbeLimits(ProbeLimitsProperties.defaults());

    private static ProbeResult probe(int w, int h, int codedW, int codedH, double seconds, double fps, int streams) {
        return new ProbeResult(seconds, w, h, "h264", null, fps, 0, 0, "mov", codedW, codedH, streams);
    }

    @Test
    void acceptsAnOrdinaryVideoAndAPortraitOneAtTheLimit() {
        assertThatCode(() -> limits.check(probe(1280, 720, 1280, 720, 30, 30, 2)))
                .doesNotThrowAnyException();
        assertThatCode(() -> limits.check(probe(2160, 4096, 4096, 2160, 30, 60, 2)))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesAHugeDeclaredPictureEvenWhenTheDisplayedSizeIsSmall() {
        assertThatThrownBy(() -> limits.check(probe(16000, 16000, 16000, 16000, 0.04, 25, 1)))
                .isInstanceOf(ProbeLimitException.class)
                .hasMessage("over the limits: resolution 16000x16000 exceeds 4096x4096");
        // a tiny sample aspect ratio shrinks the displayed width, not what decoding costs
        assertThatThrownBy(() -> limits.check(probe(400, 300, 20000, 300, 1, 25, 1)))
                .isInstanceOf(ProbeLimitException.class);
    }

    @Test
    void namesEveryLimitTheInputIsOver() {
        assertThatThrownBy(() -> limits.check(probe(640, 480, 640, 480, 5 * 3600, 1000, 50)))
                .hasMessage("over the limits: duration 18000.0 s exceeds 14400 s; frame rate 1000.00 fps exceeds"
                        + " 120.00 fps; 50 streams exceed 8");
    }
}
