package io.clipflow.stage;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.TokenUsage;
import io.clipflow.media.RunningProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Streams one chat completion from the configured OpenAI-compatible provider (langchain4j's {@link
 * OpenAiStreamingChatModel}) on the calling worker thread, handing each fragment to a listener as it arrives. The
 * call ends early, with the text so far kept in the failure, on the stage's soft or hard limit, a silent stream, or
 * the task being stopped (revoke with terminate, the task's own limits, shutdown).
 */
@Component
public class LlmProvider implements DisposableBean {

    /** Receives the answer as it streams: this fragment and the whole text so far. */
    public interface Fragments {
        void fragment(String fragment, String textSoFar);
    }

    /**
     * One completion to ask for.
     *
     * @param schema a JSON schema the answer must satisfy (sent as {@code response_format}); null for free text
     */
    public record Request(
            String model,
            String systemPrompt,
            String prompt,
            int maxTokens,
            double temperature,
            Map<String, Object> schema,
            Duration softTimeLimit,
            Duration timeLimit) {}

    /** What came back; token counts are the provider's own usage, or the fragment count when it sent none. */
    public record Completion(
            String text,
            String model,
            Integer promptTokens,
            int completionTokens,
            boolean usageReported,
            String finishReason,
            long latencyMillis) {}

    private static final long IDLE_CHECK_MILLIS = 200;

    private final AiProperties.Llm settings;
    private final RunningProcesses processes;
    private final ExecutorService streams = Executors.newCachedThreadPool(daemon("llm-stream"));
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("llm-watch"));
    private final java.net.http.HttpClient http;

    LlmProvider(AiProperties properties, RunningProcesses processes) {
        this.settings = properties.llm();
        this.processes = processes;
        this.http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .executor(streams)
                .build();
    }

    public boolean configured() {
        return settings.configured();
    }

    /** The model a stage asks for: its own, else the provider's default. */
    public String modelFor(String stageModel) {
        return stageModel == null || stageModel.isBlank() ? settings.model() : stageModel;
    }

    /**
     * Streams the completion, blocking until it ends.
     *
     * @throws StageFailure when it cannot complete: no provider configured (final), the provider's refusal (429/5xx
     *     retryable after {@code Retry-After}; 400/401/403/404 final), an idle stream (retryable), a time limit; the
     *     failure carries the text streamed before it
     */
    public Completion stream(Request request, Fragments fragments) {
        if (!settings.configured()) {
            throw StageFailure.fatal(
                    "ImproperlyConfigured",
                    "no LLM provider is configured: set clipflow.ai.llm.base-url (and clipflow.ai.llm.model), or"
                            + " start the local one with ./clipflow llm");
        }
        String model = modelFor(request.model());
        if (model.isBlank()) {
            throw StageFailure.fatal(
                    "ImproperlyConfigured", "no model is configured: set clipflow.ai.llm.model or the stage's model");
        }
        ProviderCall call = new ProviderCall();
        Handler handler = new Handler(call, fragments);
        long started = System.nanoTime();
        List<ScheduledFuture<?>> timers = new ArrayList<>();
        try (AutoCloseable stopped = processes.whenStopped(() -> handler.stop(ProviderCall.Stop.TASK_STOPPED))) {
            if (request.softTimeLimit() != null) {
                timers.add(watchdog.schedule(
                        () -> handler.stop(ProviderCall.Stop.SOFT_TIME_LIMIT),
                        request.softTimeLimit().toMillis(),
                        TimeUnit.MILLISECONDS));
            }
            if (request.timeLimit() != null) {
                timers.add(watchdog.schedule(
                        () -> handler.stop(ProviderCall.Stop.TIME_LIMIT),
                        request.timeLimit().toMillis(),
                        TimeUnit.MILLISECONDS));
            }
            long idle = settings.idleTimeout().toNanos();
            timers.add(watchdog.scheduleWithFixedDelay(
                    () -> {
                        if (call.idleNanos() > idle) {
                            handler.stop(ProviderCall.Stop.IDLE);
                        }
                    },
                    IDLE_CHECK_MILLIS,
                    IDLE_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS));
            model(request, model, call).chat(chatRequest(request), handler);
            ChatResponse response = handler.done.get();
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            return completion(handler, response, model, latency);
        } catch (ExecutionException e) {
            throw failure(call, request, e.getCause(), handler.text());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.close();
            throw StageFailure.retryable("WorkerLostError", "the worker thread was interrupted", null, e)
                    .withPartialText(handler.text());
        } catch (StageFailure e) {
            throw e;
        } catch (Exception e) {
            throw failure(call, request, e, handler.text());
        } finally {
            timers.forEach(t -> t.cancel(false));
            call.close();
        }
    }

    private OpenAiStreamingChatModel model(Request request, String model, ProviderCall call) {
        Map<String, Object> custom = new LinkedHashMap<>();
        if (request.schema() != null) {
            custom.put(
                    "response_format",
                    Map.of(
                            "type",
                            "json_schema",
                            "json_schema",
                            Map.of("name", "answer", "strict", true, "schema", request.schema())));
        }
        return OpenAiStreamingChatModel.builder()
                .httpClientBuilder(ProviderHttpClient.builder(http, call, settings.connectTimeout()))
                .baseUrl(settings.baseUrl())
                .apiKey(apiKey())
                .modelName(model)
                .maxTokens(request.maxTokens())
                .temperature(request.temperature())
                .customParameters(custom.isEmpty() ? null : custom)
                .build();
    }

    private static ChatRequest chatRequest(Request request) {
        List<ChatMessage> messages = new ArrayList<>();
        if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) {
            messages.add(SystemMessage.from(request.systemPrompt()));
        }
        messages.add(UserMessage.from(request.prompt()));
        return ChatRequest.builder().messages(messages).build();
    }

    /** From the environment only; a local provider needs none, but the client wants some value. */
    private String apiKey() {
        String key = System.getenv(settings.apiKeyEnv());
        return key == null || key.isBlank() ? "no-key" : key;
    }

    private static Completion completion(Handler handler, ChatResponse response, String model, long latency) {
        TokenUsage usage = response.tokenUsage();
        Integer output = usage == null ? null : usage.outputTokenCount();
        String finish = response.finishReason() == null
                ? null
                : response.finishReason().name().toLowerCase();
        String answered = response.modelName() == null ? model : response.modelName();
        return new Completion(
                handler.text(),
                answered,
                usage == null ? null : usage.inputTokenCount(),
                output != null ? output : handler.fragmentsSeen.get(),
                output != null,
                finish,
                latency);
    }

    private StageFailure failure(ProviderCall call, Request request, Throwable cause, String partial) {
        ProviderCall.Stop stop = call.stopReason();
        StageFailure failure;
        if (stop != null) {
            failure = switch (stop) {
                case SOFT_TIME_LIMIT -> StageFailure.fatal(
                        "SoftTimeLimitExceeded",
                        "soft time limit (" + request.softTimeLimit() + ") exceeded; the stream was closed");
                case TIME_LIMIT -> StageFailure.fatal(
                        "TimeLimitExceeded",
                        "hard time limit (" + request.timeLimit() + ") exceeded; the stream was closed");
                case IDLE -> StageFailure.retryable(
                        "StreamIdle",
                        "the provider's stream was idle for longer than " + settings.idleTimeout()
                                + " (clipflow.ai.llm.idle-timeout)",
                        null,
                        null);
                    // the supervisor names the real reason (revoked, a time limit, shutdown)
                case TASK_STOPPED -> StageFailure.fatal("TaskStopped", "the task was stopped");
            };
        } else {
            ProviderHttpClient.ProviderException provider = providerException(cause);
            if (provider != null) {
                String message = "API请求失败: " + provider.getMessage();
                failure = provider.retryable()
                        ? StageFailure.retryable("ProviderError", message, provider.retryAfter(), cause)
                        : StageFailure.fatal("ProviderError", message);
            } else {
                failure = StageFailure.retryable(
                        "ProviderError",
                        "the provider's stream failed: " + (cause.getMessage() == null ? cause : cause.getMessage()),
                        null,
                        cause);
            }
        }
        return failure.withPartialText(partial);
    }

    private static ProviderHttpClient.ProviderException providerException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ProviderHttpClient.ProviderException p) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void destroy() {
        watchdog.shutdownNow();
        streams.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** langchain4j's callbacks, on the stream's reading thread. */
    private static final class Handler implements StreamingChatResponseHandler {
        private final ProviderCall call;
        private final Fragments fragments;
        private final StringBuilder text = new StringBuilder();
        private final AtomicInteger fragmentsSeen = new AtomicInteger();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        Handler(ProviderCall call, Fragments fragments) {
            this.call = call;
            this.fragments = fragments;
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            if (call.stopReason() != null) {
                context.streamingHandle().cancel();
                return;
            }
            String piece = partial.text();
            if (piece == null || piece.isEmpty()) {
                return;
            }
            String soFar;
            synchronized (text) {
                text.append(piece);
                soFar = text.toString();
            }
            fragmentsSeen.incrementAndGet();
            fragments.fragment(piece, soFar);
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        /** Frees the waiting worker at once; the connection is closed beside it. */
        void stop(ProviderCall.Stop reason) {
            call.stop(reason);
            done.completeExceptionally(new java.util.concurrent.CancellationException(reason.name()));
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }
}
