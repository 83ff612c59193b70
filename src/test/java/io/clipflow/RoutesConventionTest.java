package io.clipflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;
import org.yaml.snakeyaml.Yaml;

/**
 * The routes/ folder keeps the conventions: route id = file name (a second route shares it as prefix), ids unique,
 * every bean a route names exists, every endpoint scheme is a component we ship.
 */
class RoutesConventionTest {

    private static final Path ROUTES = Path.of("routes");
    private static final Set<String> OUR_SCHEMES = Set.of("celery");
    /** Beans Spring Boot's auto-configuration defines, which a class-path scan of io.clipflow cannot see. */
    private static final Set<String> SPRING_BOOT_BEANS = Set.of("stringRedisTemplate");

    @Test
    void everyRouteIdStartsWithItsFileNameAndIsUnique() throws IOException {
        Set<String> ids = new HashSet<>();
        for (Path file : routeFiles()) {
            String base = file.getFileName().toString().replace(".camel.yaml", "");
            List<String> fileIds = new ArrayList<>();
            for (Object item : load(file)) {
                Map<?, ?> entry = (Map<?, ?>) item;
                for (String kind : List.of("route", "routeConfiguration")) {
                    if (entry.get(kind) instanceof Map<?, ?> def) {
                        String id = (String) def.get("id");
                        assertThat(id).as("%s in %s has an id", kind, file).isNotBlank();
                        fileIds.add(id);
                        assertThat(ids.add(id)).as("duplicate id %s", id).isTrue();
                    }
                }
            }
            assertThat(fileIds)
                    .as("%s defines a route whose id is its file name", file)
                    .contains(base);
            assertThat(fileIds).allSatisfy(id -> assertThat(id)
                    .as("id in " + file)
                    .satisfiesAnyOf(i -> assertThat(i).isEqualTo(base), i -> assertThat(i)
                            .startsWith(base + "-")));
        }
    }

    @Test
    void everyBeanARouteNamesExists() throws IOException {
        Set<String> beans = beanNames();
        for (Path file : routeFiles()) {
            for (String ref : values(load(file), Set.of("ref", "idempotentRepository"))) {
                assertThat(beans).as("bean '%s' named in %s", ref, file).contains(ref);
            }
            // "to: bean:<name>" steps and "#<name>" endpoint options name beans too
            for (String uri : values(load(file), Set.of("uri"))) {
                if (uri.startsWith("bean:")) {
                    String name = uri.substring(5).split("\\?")[0];
                    assertThat(beans).as("bean '%s' named in %s", name, file).contains(name);
                }
            }
            for (String option : strings(load(file))) {
                if (option.matches("#[A-Za-z][A-Za-z0-9]*")) {
                    String name = option.substring(1);
                    assertThat(SPRING_BOOT_BEANS.contains(name) || beans.contains(name))
                            .as("bean '%s' named in %s", name, file)
                            .isTrue();
                }
            }
        }
    }

    @Test
    void everyEndpointSchemeIsAComponentOnTheClasspath() throws IOException {
        for (Path file : routeFiles()) {
            for (String uri : values(load(file), Set.of("uri"))) {
                String scheme = uri.substring(0, uri.indexOf(':'));
                boolean shipped = OUR_SCHEMES.contains(scheme)
                        || getClass()
                                        .getClassLoader()
                                        .getResource("META-INF/services/org/apache/camel/component/" + scheme)
                                != null;
                assertThat(shipped)
                        .as("endpoint scheme '%s' in %s", scheme, file)
                        .isTrue();
            }
        }
    }

    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            List<Path> list = files.filter(f -> f.toString().endsWith(".camel.yaml"))
                    .sorted()
                    .toList();
            assertThat(list).isNotEmpty();
            return list;
        }
    }

    private static List<?> load(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    private static List<String> strings(Object node) {
        List<String> found = new ArrayList<>();
        if (node instanceof String s) {
            found.add(s);
        } else if (node instanceof Map<?, ?> map) {
            map.values().forEach(v -> found.addAll(strings(v)));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> found.addAll(strings(v)));
        }
        return found;
    }

    private static List<String> values(Object node, Set<String> keys) {
        List<String> found = new ArrayList<>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (keys.contains(k) && v instanceof String s) {
                    found.add(s);
                }
                found.addAll(values(v, keys));
            });
        } else if (node instanceof List<?> list) {
            list.forEach(v -> found.addAll(values(v, keys)));
        }
        return found;
    }

    private static Set<String> beanNames() {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Component.class));
        Set<String> names = new HashSet<>();
        for (BeanDefinition def : scanner.findCandidateComponents("io.clipflow")) {
            Class<?> type = ClassUtils.resolveClassName(def.getBeanClassName(), null);
            Component component = org.springframework.core.annotation.AnnotatedElementUtils.findMergedAnnotation(
                    type, Component.class);
            if (component != null && !component.value().isEmpty()) {
                names.add(component.value());
            }
            for (var method : type.getDeclaredMethods()) {
                Bean bean = method.getAnnotation(Bean.class);
                if (bean != null) {
                    names.addAll(bean.name().length > 0 ? List.of(bean.name()) : List.of(method.getName()));
                }
            }
        }
        return names;
    }
}
