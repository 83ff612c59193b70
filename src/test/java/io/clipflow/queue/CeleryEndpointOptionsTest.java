package io.clipflow.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.spi.UriParam;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Every {@code celery:} option a route file sets is one the endpoint declares: a typo fails here, not at start-up. */
class CeleryEndpointOptionsTest {

    private static Set<String> declaredOptions() {
        return Arrays.stream(CeleryEndpoint.class.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(UriParam.class))
                .map(java.lang.reflect.Field::getName)
                .collect(Collectors.toSet());
    }

    @Test
    void theEndpointDeclaresItsOptionsWithMetadata() {
        assertThat(declaredOptions()).containsExactlyInAnyOrder("task", "concurrency", "pollTimeoutMillis", "events");
    }

    @Test
    void everyCeleryOptionInTheRoutesIsDeclared() throws IOException {
        List<Map<?, ?>> endpoints = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file :
                    files.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                try (Reader in = Files.newBufferedReader(file)) {
                    collect(new Yaml().load(in), endpoints);
                }
            }
        }
        assertThat(endpoints).as("celery endpoints with options in routes/").isNotEmpty();
        Set<String> declared = declaredOptions();
        for (Map<?, ?> endpoint : endpoints) {
            assertThat(((Map<?, ?>) endpoint.get("parameters")).keySet())
                    .as("options of %s", endpoint.get("uri"))
                    .allSatisfy(option -> assertThat(declared).contains(String.valueOf(option)));
        }
    }

    /** Every map with a {@code celery:} uri and parameters, anywhere in the parsed YAML. */
    private static void collect(Object node, List<Map<?, ?>> found) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("uri") instanceof String uri
                    && uri.startsWith("celery:")
                    && map.get("parameters") instanceof Map) {
                found.add(map);
            }
            map.values().forEach(v -> collect(v, found));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collect(v, found));
        }
    }
}
