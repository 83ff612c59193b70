package io.clipflow.stage;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * langchain4j's HTTP transport, given through its own extension point ({@code httpClientBuilder}) for one call, so the
 * call can be stopped at any moment, before the first token too (langchain4j's own handle cannot, langchain4j#6304),
 * the stream's silences are seen, and a 429's {@code Retry-After} reaches the retry ({@link ProviderException}).
 * Request building, SSE parsing, usage and finish reasons stay langchain4j's.
 */
final class ProviderHttpClient implements HttpClient {

    /** Error bodies are read only this far: they are for the message, not for storage. */
    private static final int MAX_ERROR_BODY = 8 * 1024;

    private final java.net.http.HttpClient http;
    private final ProviderCall call;
    private final Duration responseTimeout;

    ProviderHttpClient(java.net.http.HttpClient http, ProviderCall call, Duration responseTimeout) {
        this.http = http;
        this.call = call;
        this.responseTimeout = responseTimeout;
    }

    /** The builder langchain4j asks for; its timeouts are ours (clipflow.ai.llm.*), not the model's defaults. */
    static HttpClientBuilder builder(java.net.http.HttpClient http, ProviderCall call, Duration responseTimeout) {
        return new HttpClientBuilder() {
            @Override
            public Duration connectTimeout() {
                return responseTimeout;
            }

            @Override
            public HttpClientBuilder connectTimeout(Duration timeout) {
                return this;
            }

            @Override
            public Duration readTimeout() {
                return responseTimeout;
            }

            @Override
            public HttpClientBuilder readTimeout(Duration timeout) {
                return this;
            }

            @Override
            public HttpClient build() {
                return new ProviderHttpClient(http, call, responseTimeout);
            }
        };
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        try {
            HttpResponse<InputStream> response = http.send(jdk(request), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw ProviderException.of(
                            response.statusCode(), response.headers().map(), read(body));
                }
                return SuccessfulHttpResponse.builder()
                        .statusCode(response.statusCode())
                        .headers(response.headers().map())
                        .body(body.readAllBytes())
                        .build();
            }
        } catch (IOException e) {
            throw new ProviderException(0, "provider unreachable: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(0, "interrupted", null, e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        CompletableFuture<HttpResponse<InputStream>> sent =
                http.sendAsync(jdk(request), HttpResponse.BodyHandlers.ofInputStream());
        call.sending(sent);
        sent.whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                listener.onError(new ProviderException(0, "provider unreachable: " + cause, null, cause));
                return;
            }
            try (InputStream body = call.reading(response.body())) {
                if (response.statusCode() / 100 != 2) {
                    listener.onError(ProviderException.of(
                            response.statusCode(), response.headers().map(), read(body)));
                    return;
                }
                listener.onOpen(SuccessfulHttpResponse.builder()
                        .statusCode(response.statusCode())
                        .headers(response.headers().map())
                        .build());
                parser.parse(body, listener);
                listener.onClose();
            } catch (IOException | RuntimeException e) {
                listener.onError(e);
            }
        });
    }

    private java.net.http.HttpRequest jdk(HttpRequest request) {
        java.net.http.HttpRequest.Builder builder =
                java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(responseTimeout);
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            for (String value : header.getValue()) {
                builder.header(header.getKey(), value);
            }
        }
        String body = request.body();
        java.net.http.HttpRequest.BodyPublisher publisher = body == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
        return builder.method(request.method().name(), publisher).build();
    }

    private static String read(InputStream body) throws IOException {
        return new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
    }

    /** A provider's refusal or an unreachable provider, with its status (0: no answer) and {@code Retry-After}. */
    static final class ProviderException extends HttpException {
        private final Duration retryAfter;

        ProviderException(int status, String message, Duration retryAfter, Throwable cause) {
            super(status, message);
            if (cause != null) {
                initCause(cause);
            }
            this.retryAfter = retryAfter;
        }

        static ProviderException of(int status, Map<String, List<String>> headers, String body) {
            return new ProviderException(status, status + " - " + errorMessage(body), retryAfter(headers), null);
        }

        Duration retryAfter() {
            return retryAfter;
        }

        /** A rate limit, an overloaded or failing provider, a timeout: another try may succeed. */
        boolean retryable() {
            int s = statusCode();
            return s == 0 || s == 408 || s == 409 || s == 429 || s >= 500;
        }

        /** OpenAI's {@code {"error": {"message"}}}, else the body's start. */
        private static String errorMessage(String body) {
            try {
                var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
                if (node != null && node.path("error").path("message").isTextual()) {
                    return node.path("error").path("message").asText();
                }
                if (node != null && node.path("error").isTextual()) {
                    return node.path("error").asText();
                }
            } catch (IOException | RuntimeException e) {
                // not JSON: the text itself
            }
            String text = body.strip();
            return text.isEmpty() ? "(no body)" : text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }

        /** {@code Retry-After} in seconds (RFC 9110 also allows a date, which providers do not send), capped at 10 min. */
        private static Duration retryAfter(Map<String, List<String>> headers) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase("retry-after") && !h.getValue().isEmpty()) {
                    try {
                        double seconds = Double.parseDouble(h.getValue().get(0).strip());
                        if (seconds >= 0) {
                            return Duration.ofMillis(Math.round(Math.min(seconds, 600) * 1000));
                        }
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
            return null;
        }
    }
}
