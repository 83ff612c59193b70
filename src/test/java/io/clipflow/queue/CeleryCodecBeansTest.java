package io.clipflow.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.task.CeleryResultCodec;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

class CeleryCodecBeansTest {

    @Test
    void registersCodecsUnderTheNamesRoutesUse() {
        try (var context = new AnnotationConfigApplicationContext(CeleryMessageCodec.class, CeleryResultCodec.class)) {
            assertThat(context.getBean("celeryCodec")).isInstanceOf(CeleryMessageCodec.class);
            assertThat(context.getBean("celeryResultCodec")).isInstanceOf(CeleryResultCodec.class);
        }
    }
}
