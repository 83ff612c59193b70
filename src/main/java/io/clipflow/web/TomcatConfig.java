package io.clipflow.web;

import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat as Spring Boot configures it (server.* properties and customizers still apply), with JSON instead of HTML for
 * the errors Tomcat answers itself. The host's error valve can only be chosen before Tomcat starts, which no
 * customizer reaches: hence the factory subclass.
 */
@Configuration(proxyBeanMethods = false)
class TomcatConfig {

    @Bean
    TomcatServletWebServerFactory tomcatServletWebServerFactory() {
        return new TomcatServletWebServerFactory() {
            @Override
            protected TomcatWebServer getTomcatWebServer(Tomcat tomcat) {
                if (tomcat.getHost() instanceof StandardHost host) {
                    host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                }
                return super.getTomcatWebServer(tomcat);
            }
        };
    }
}
