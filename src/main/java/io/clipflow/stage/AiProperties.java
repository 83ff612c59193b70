package io.clipflow.stage;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The AI stages' provider and limits.
 *
 * @param llm the OpenAI-compatible chat-completions provider
 * @param limits what one user may spend
 * @param tokenEventsPerSecond at most this many {@code token} events per second per stage; fragments in between are
 *     joined, never dropped
 * @param taskAliases seed 002's task names mapped onto stages ({@code video.tasks.generate_script_async: rewrite})
 */
@Validated
@ConfigurationProperties("clipflow.ai")
public record AiProperties(
        @DefaultValue @Valid Llm llm,
        @DefaultValue @Valid Limits limits,
        @DefaultValue("20") @Min(1) @Max(1000) int tokenEventsPerSecond,
        @DefaultValue Map<String, String> taskAliases) {

    /**
     * @param baseUrl the provider's API root ({@code https://api.openai.com/v1}, {@code http://127.0.0.1:11434/v1} for
     *     Ollama); empty: no provider, and an LLM stage fails at once saying so
     * @param model the default model name
     * @param apiKeyEnv the environment variable holding the API key (read from the environment only, never logged)
     * @param connectTimeout the longest wait for the provider to answer a request
     * @param idleTimeout a stream silent this long is a retryable failure
     */
    public record Llm(
            @DefaultValue("") String baseUrl,
            @DefaultValue("") String model,
            @DefaultValue("CLIPFLOW_LLM_API_KEY") String apiKeyEnv,
            @DefaultValue("10s") Duration connectTimeout,
            @DefaultValue("60s") Duration idleTimeout) {

        public boolean configured() {
            return !baseUrl.isBlank();
        }
    }

    /**
     * @param concurrentStages stages one user may have waiting or running at once
     * @param tokensPerDay prompt plus completion tokens one user may use per UTC day
     * @param activeWindow a waiting or running run older than this no longer counts (its task was lost)
     */
    public record Limits(
            @DefaultValue("4") @Min(1) int concurrentStages,
            @DefaultValue("200000") @Min(1) long tokensPerDay,
            @DefaultValue("1h") Duration activeWindow) {}
}
