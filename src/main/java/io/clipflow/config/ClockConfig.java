package io.clipflow.config;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ClockConfig {
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
