package io.clipflow.stage;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One stage of an AI story project, from configuration ({@code clipflow.stages.<name>}): a new LLM stage is one such
 * block, no Java.
 *
 * @param kind llm, image, video or audio: which Celery task runs it ({@link StageKind#task()})
 * @param queue the Celery queue its tasks go to
 * @param displayName the name users see, in the seed's reply ("阶段 文案改写 任务已启动")
 * @param systemPrompt the system message; empty: none
 * @param prompt the user message, with {@code {name}} placeholders filled from the request's {@code input_data}, the
 *     project ({@code source_text}, {@code original_text}, {@code title}) and earlier stages' outputs ({@code
 *     {rewrite}})
 * @param model the provider's model for this stage; empty: {@code clipflow.ai.llm.model}
 * @param maxTokens the most tokens the model may generate
 * @param temperature sampling temperature, 0 to 2
 * @param output how the answer is read: free text, or a JSON storyboard or camera plan checked against its schema
 * @param softTimeLimit the stream is closed (text so far kept) and the task fails with SoftTimeLimitExceeded
 * @param timeLimit the worker thread is freed and the task fails with TimeLimitExceeded
 * @param maxRetries retries after the first attempt for a retryable failure (429, 5xx, idle stream, malformed JSON)
 */
public record StageDefinition(
        @NotNull StageKind kind,
        @NotBlank String queue,
        @NotBlank String displayName,
        @DefaultValue("") String systemPrompt,
        @DefaultValue("") String prompt,
        @DefaultValue("") String model,
        @DefaultValue("512") @Min(1) @Max(32768) int maxTokens,
        @DefaultValue("0.7") @DecimalMin("0") @DecimalMax("2") double temperature,
        @DefaultValue("text") StageOutput output,
        @DefaultValue("600s") Duration softTimeLimit,
        @DefaultValue("900s") Duration timeLimit,
        @DefaultValue("3") @Min(0) @Max(20) int maxRetries) {}
