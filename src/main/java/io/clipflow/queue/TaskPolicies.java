package io.clipflow.queue;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Per-task delivery settings by task name; a task not listed gets {@link TaskSettings#defaults()}.
 *
 * @param tasks settings by Celery task name (use the bracket form for dotted names in YAML)
 */
@ConfigurationProperties("clipflow")
public record TaskPolicies(@DefaultValue Map<String, TaskSettings> tasks) {

    public TaskSettings forTask(String name) {
        TaskSettings settings = tasks == null ? null : tasks.get(name);
        return settings == null ? TaskSettings.defaults() : settings;
    }
}
