package io.clipflow.config;

import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.CeleryResultCodec;
import io.clipflow.celery.PidboxCodec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The wire-format codecs as beans, under the names routes use; {@code celery/} itself knows nothing of Spring. */
@Configuration(proxyBeanMethods = false)
public class CeleryCodecs {

    @Bean("celeryCodec")
    CeleryMessageCodec celeryCodec() {
        return new CeleryMessageCodec();
    }

    @Bean("pidboxCodec")
    PidboxCodec pidboxCodec() {
        return new PidboxCodec();
    }

    @Bean("celeryResultCodec")
    CeleryResultCodec celeryResultCodec() {
        return new CeleryResultCodec();
    }
}
