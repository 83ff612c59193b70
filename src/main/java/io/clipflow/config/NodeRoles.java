package io.clipflow.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * What this node does, from {@code clipflow.roles} (default {@code web,worker,scheduler}): {@code web} serves the API,
 * {@code worker} runs the celery consumer routes, {@code scheduler} runs the Quartz routes. Routes and Spring keys
 * cannot test list membership, so this derives one boolean per role ({@code clipflow.role.web} etc.) that
 * {@code autoStartup} placeholders and {@code spring.quartz.auto-startup} read.
 */
public class NodeRoles implements EnvironmentPostProcessor {

    public static final Set<String> ALL = Set.of("web", "worker", "scheduler");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        Set<String> roles = parse(env.getProperty("clipflow.roles", "web,worker,scheduler"));
        env.getPropertySources()
                .addLast(new MapPropertySource(
                        "clipflowRoles",
                        Map.of(
                                "clipflow.role.web", roles.contains("web"),
                                "clipflow.role.worker", roles.contains("worker"),
                                "clipflow.role.scheduler", roles.contains("scheduler"))));
    }

    /** The roles named in a comma list; an unknown name fails start-up rather than being ignored. */
    public static Set<String> parse(String list) {
        Set<String> roles = new LinkedHashSet<>();
        for (String role : Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(r -> !r.isEmpty())
                .map(r -> r.toLowerCase(Locale.ROOT))
                .toList()) {
            if (!ALL.contains(role)) {
                throw new IllegalArgumentException(
                        "clipflow.roles: unknown role '" + role + "' (known: web, worker, scheduler)");
            }
            roles.add(role);
        }
        return roles;
    }
}
