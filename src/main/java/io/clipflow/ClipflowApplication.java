package io.clipflow;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ClipflowApplication {
    public static void main(String[] args) {
        SpringApplication.run(ClipflowApplication.class, args);
    }
}
