package io.clipflow.stage;

import jakarta.validation.Valid;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The stages AI story projects can run, by name ({@code clipflow.stages.rewrite.display-name: 文案改写}); checked at
 * start-up, so a typo fails the start, not the first run.
 *
 * @param stages the stages by name (letters, digits, {@code _} and {@code -}: the name is part of topics and channels)
 */
@Validated
@ConfigurationProperties("clipflow")
public record StageProperties(@DefaultValue @Valid Map<String, StageDefinition> stages) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");

    public StageProperties {
        // in configuration order (Boot binds a LinkedHashMap), which the project page shows the stages in
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
        stages.forEach((name, stage) -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "clipflow.stages." + name + ": a stage name is 1 to 64 letters, digits, '_' or '-'");
            }
            if (stage.kind() == StageKind.LLM && stage.prompt().isBlank()) {
                throw new IllegalArgumentException("clipflow.stages." + name + ".prompt: an llm stage needs a prompt");
            }
            if (stage.timeLimit().compareTo(stage.softTimeLimit()) < 0) {
                throw new IllegalArgumentException(
                        "clipflow.stages." + name + ": time-limit must not be shorter than soft-time-limit");
            }
        });
    }

    public Optional<StageDefinition> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(stages.get(name));
    }
}
