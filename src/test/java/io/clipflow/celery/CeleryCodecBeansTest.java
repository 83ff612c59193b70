package io.clipflow.celery;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.config.CeleryCodecs;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

class CeleryCodecBeansTest {

    @Test
    void registersCodecsUnderTheNamesRoutesUse() {
        try (var context = new AnnotationConfigApplicationContext(CeleryCodecs.class)) {
            assertThat(context.getBean("celeryCodec")).isInstanceOf(CeleryMessageCodec.class);
            assertThat(context.getBean("celeryResultCodec")).isInstanceOf(CeleryResultCodec.class);
        }
    }
}
