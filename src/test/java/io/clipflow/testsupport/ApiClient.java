package io.clipflow.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;

/** A client for Clipflow's own HTTP API, signed in with one bearer token (or none). */
public class ApiClient {

    /** A reply: status, body as JSON (null when the body is not JSON), raw body, content type, headers. */
    public record Reply(int status, JsonNode json, String body, String contentType, HttpHeaders headers) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final long userId;

    public ApiClient(String base, String token, long userId) {
        this.base = base;
        this.token = token;
        this.userId = userId;
    }

    public long userId() {
        return userId;
    }

    public String token() {
        return token;
    }

    /** POST /api/videos with the file streamed as multipart part {@code file} under the given client file name. */
    public Reply upload(Path file, String clientFileName, String title) {
        String boundary = "----clipflow" + UUID.randomUUID();
        StringBuilder head = new StringBuilder();
        if (title != null) {
            head.append("--")
                    .append(boundary)
                    .append("\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n")
                    .append(title)
                    .append("\r\n");
        }
        head.append("--")
                .append(boundary)
                .append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                .append(clientFileName)
                .append("\"\r\nContent-Type: video/mp4\r\n\r\n");
        try {
            var body = BodyPublishers.concat(
                    BodyPublishers.ofString(head.toString(), StandardCharsets.UTF_8),
                    BodyPublishers.ofFile(file),
                    BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
            return send(request("/api/videos")
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Reply upload(Path file) {
        return upload(file, file.getFileName().toString(), null);
    }

    public Reply get(String path) {
        return send(request(path).GET());
    }

    public Reply delete(String path) {
        return send(request(path).DELETE());
    }

    public Reply postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)));
    }

    /** GET of an absolute URL without any credentials (as a player would fetch a signed media URL). */
    public Reply getUrl(String url) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET());
    }

    /** Polls GET /api/videos/{id} until its status is one of {@code statuses}; returns that last reply's JSON. */
    public JsonNode awaitVideo(long id, Duration timeout, String... statuses) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            Reply r = get("/api/videos/" + id);
            last[0] = r.json();
            return r.status() == 200
                    && java.util.Arrays.asList(statuses)
                            .contains(r.json().path("status").asText());
        });
        return last[0];
    }

    /** Polls GET /api/tasks/{id} until the state is one of {@code states}. */
    public JsonNode awaitTask(String taskId, Duration timeout, String... states) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            Reply r = get("/api/tasks/" + taskId);
            last[0] = r.json();
            return r.status() == 200
                    && java.util.Arrays.asList(states)
                            .contains(r.json().path("state").asText());
        });
        return last[0];
    }

    /** Seed 001's POST /api/videos/upload-chunk/: one chunk of the file whose MD5 (hex) is {@code md5}. */
    public Reply uploadChunk(String md5, int index, int total, byte[] bytes) {
        String boundary = "----chunk" + java.util.UUID.randomUUID();
        StringBuilder head = new StringBuilder();
        for (String[] f : new String[][] {
            {"file_md5", md5}, {"chunk_index", String.valueOf(index)}, {"chunks_total", String.valueOf(total)}
        }) {
            head.append("--")
                    .append(boundary)
                    .append("\r\nContent-Disposition: form-data; name=\"")
                    .append(f[0])
                    .append("\"\r\n\r\n")
                    .append(f[1])
                    .append("\r\n");
        }
        head.append("--")
                .append(boundary)
                .append("\r\nContent-Disposition: form-data; name=\"chunk\"; filename=\"blob\"\r\n")
                .append("Content-Type: application/octet-stream\r\n\r\n");
        byte[] start = head.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = new byte[start.length + bytes.length + end.length];
        System.arraycopy(start, 0, body, 0, start.length);
        System.arraycopy(bytes, 0, body, start.length, bytes.length);
        System.arraycopy(end, 0, body, start.length + bytes.length, end.length);
        return send(request("/api/videos/upload-chunk/")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Seed 001's POST /api/videos/merge-chunks/. */
    public Reply mergeChunks(String fileName, String md5, int total) {
        return postJson(
                "/api/videos/merge-chunks/",
                "{\"file_name\": \"" + fileName + "\", \"file_md5\": \"" + md5 + "\", \"chunks_total\": " + total
                        + "}");
    }

    /** A request to {@code path} with this client's token, for cases the helpers above do not cover. */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public Reply send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = null;
            if (type.contains("json") && !r.body().isEmpty()) {
                json = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), json, r.body(), type, r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
