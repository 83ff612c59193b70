package io.clipflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.schedule.MonitoringSnapshot;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.ApiClient.Reply;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The OpenAPI description's examples are what the API really answers: every operation has a summary and a success
 * example, and each example has the same fields, at every level, as a real call's reply made here.
 */
class ApiExamplesIT extends IntegrationTestBase {

    @TempDir
    Path dir;

    @Autowired
    MonitoringSnapshot monitoring;

    @Test
    void everyOperationHasASummaryAndASuccessExampleShapedLikeARealReply() throws Exception {
        Account admin = newAccount(Role.ADMIN);
        ApiClient api = admin.api();
        JsonNode doc = api.get("/v3/api-docs").json();

        Map<String, Reply> real = realReplies(api);
        Map<String, JsonNode> details = ApiDocs.operations();

        List<String> problems = new ArrayList<>();
        Set<String> operations = new TreeSet<>();
        doc.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    String key = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
                    operations.add(key);
                    JsonNode operation = op.getValue();
                    if (operation.path("summary").asText().isBlank()) {
                        problems.add(key + ": no summary");
                    }
                    Map.Entry<String, JsonNode> success = success(operation);
                    if (success == null) {
                        problems.add(key + ": no 2xx reply");
                        return;
                    }
                    JsonNode content = success.getValue().path("content");
                    Reply reply = real.get(key);
                    if (reply != null && !String.valueOf(reply.status()).equals(success.getKey())) {
                        problems.add(key + ": documented " + success.getKey() + ", answered " + reply.status() + " "
                                + reply.body());
                    }
                    if (content.isMissingNode() || content.isEmpty()) {
                        if (reply != null && !reply.body().isEmpty()) {
                            problems.add(key + ": documented without a body, answered " + reply.body());
                        }
                        return;
                    }
                    JsonNode example = content.path("application/json").path("example");
                    if (content.has("application/json") && example.isMissingNode()) {
                        problems.add(key + ": no example");
                    } else if (reply != null && reply.json() != null && !example.isMissingNode()) {
                        List<String> differences = new ArrayList<>();
                        new Shape(details.get(ApiDocs.key(key))).compare("$", example, reply.json(), differences);
                        if (!differences.isEmpty()) {
                            problems.add(key + ": example differs from a real reply " + differences + "; real: "
                                    + reply.body());
                        }
                    }
                    if (operation.has("requestBody")
                            && operation
                                    .path("requestBody")
                                    .path("content")
                                    .path("application/json")
                                    .has("schema")
                            && operation
                                    .path("requestBody")
                                    .path("content")
                                    .path("application/json")
                                    .path("example")
                                    .isMissingNode()) {
                        problems.add(key + ": no request example");
                    }
                }));
        assertThat(real.keySet())
                .as("the calls made here are documented operations")
                .isSubsetOf(operations);
        assertThat(details.keySet())
                .as("operations.yaml names only operations there are")
                .isSubsetOf(operations);
        assertThat(operations.stream().map(ApiDocs::key).distinct().filter(op -> !real.containsKey(op)))
                .as("every operation is called here but the event stream")
                .containsExactly("GET /api/events");
        assertThat(problems).isEmpty();
    }

    /** A reply of each operation that can be made here, keyed like {@code GET /api/videos/{id}}. */
    private Map<String, Reply> realReplies(ApiClient api) throws Exception {
        Map<String, Reply> r = new LinkedHashMap<>();
        Reply upload = api.upload(Clips.textFile(dir, "notes.mp4"), "notes.mp4", "Notes");
        r.put("POST /api/videos", upload);
        long video = upload.json().path("video").path("id").asLong();
        api.awaitVideo(video, Duration.ofSeconds(60), "FAILED");
        r.put("GET /api/videos/{id}", api.get("/api/videos/" + video));
        r.put("GET /api/videos", api.get("/api/videos"));
        r.put("DELETE /api/videos/{id}", api.delete("/api/videos/" + video));

        Reply sent = api.postJson("/api/tasks", "{\"task\": \"clipflow.ping\"}");
        r.put("POST /api/tasks", sent);
        String pinged = sent.json().path("task_id").asText();
        api.awaitTask(pinged, Duration.ofSeconds(30), "SUCCESS");
        r.put("GET /api/tasks/{taskId}", api.get("/api/tasks/" + pinged));
        // parked on a queue of its own and purged below, so no other test meets it in the delayed set
        String later = api.postJson(
                        "/api/tasks",
                        "{\"task\": \"clipflow.ping\", \"queue\": \"examples-parked\", \"countdown\": 600}")
                .json()
                .path("task_id")
                .asText();
        r.put("POST /api/tasks/{taskId}/revoke", api.postJson("/api/tasks/" + later + "/revoke", "{}"));

        Reply group = api.postJson("/api/groups", "{\"tasks\": [{\"task\": \"clipflow.ping\"}]}");
        r.put("POST /api/groups", group);
        r.put(
                "GET /api/groups/{groupId}",
                api.get("/api/groups/" + group.json().path("group_id").asText()));

        String failed = api.postJson(
                        "/api/tasks", "{\"task\": \"clipflow.test.fails_until\", \"kwargs\": {\"runs\": 99}}")
                .json()
                .path("task_id")
                .asText();
        api.awaitTask(failed, Duration.ofSeconds(30), "FAILURE");
        String deadId = deadLetterOf(api, failed);
        r.put("GET /api/dead-letters", api.get("/api/dead-letters"));
        r.put("POST /api/dead-letters/{id}/replay", api.postJson("/api/dead-letters/" + deadId + "/replay", ""));
        api.awaitTask(failed, Duration.ofSeconds(30), "FAILURE");
        r.put("DELETE /api/dead-letters/{id}", api.delete("/api/dead-letters/" + deadLetterOf(api, failed)));
        r.put("POST /api/tasks/{taskId}/retry", api.postJson("/api/tasks/" + failed + "/retry", ""));

        Reply project = api.postJson(
                "/api/v1/projects", "{\"title\": \"Lighthouse\", \"source_text\": \"A keeper and a storm.\"}");
        r.put("POST /api/v1/projects", project);
        String projectId = project.json().path("id").asText();
        r.put("GET /api/v1/projects", api.get("/api/v1/projects"));
        // no LLM provider is configured here, so the stage fails at once and its run says why
        Reply stage = api.postJson("/api/v1/projects/" + projectId + "/execute-stage", "{\"stage_name\": \"rewrite\"}");
        r.put("POST /api/v1/projects/{id}/execute-stage", stage);
        String stageTask = stage.json().path("task_id").asText();
        api.awaitTask(stageTask, Duration.ofSeconds(30), "FAILURE");
        r.put(
                "GET /api/v1/projects/{id}/task-status",
                api.get("/api/v1/projects/" + projectId + "/task-status?task_id=" + stageTask));
        r.put("GET /api/v1/projects/{id}", api.get("/api/v1/projects/" + projectId));
        r.put("DELETE /api/v1/projects/{id}", api.delete("/api/v1/projects/" + projectId));

        Reply user = api.postJson(
                "/api/users",
                "{\"username\": \"ex-" + UUID.randomUUID().toString().substring(0, 6) + "\"}");
        r.put("POST /api/users", user);
        long userId = user.json().path("id").asLong();
        r.put(
                "POST /api/users/{id}/password",
                api.postJson("/api/users/" + userId + "/password", "{\"password\": \"a long enough password 1\"}"));
        r.put("GET /api/users", api.get("/api/users"));
        r.put("POST /api/users/{id}/tokens", api.postJson("/api/users/" + userId + "/tokens", "{\"name\": \"ci\"}"));
        Reply token = api.postJson("/api/tokens", "{\"name\": \"laptop\"}");
        r.put("POST /api/tokens", token);
        r.put("GET /api/tokens", api.get("/api/tokens"));
        r.put(
                "DELETE /api/tokens/{id}",
                api.delete("/api/tokens/" + token.json().path("token_id").asLong()));
        r.put("POST /api/ws-tickets", api.postJson("/api/ws-tickets", ""));

        byte[] small = "a small file".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String md5 = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("MD5").digest(small));
        r.put("POST /api/videos/upload-chunk", api.uploadChunk(md5, 0, 1, small));
        r.put("GET /api/videos/upload-chunk", api.get("/api/videos/upload-chunk?file_md5=" + md5 + "&chunks_total=1"));
        r.put("POST /api/videos/merge-chunks", api.mergeChunks("small.mp4", md5, 1));

        r.put("OPTIONS /api/uploads", api.send(api.request("/api/uploads").method("OPTIONS", BodyPublishers.noBody())));
        Reply tus = api.send(tus(api, "/api/uploads")
                .header("Upload-Length", "10")
                .header("Upload-Metadata", "filename bm90ZXMudHh0")
                .POST(BodyPublishers.noBody()));
        r.put("POST /api/uploads", tus);
        String resumable = java.net.URI.create(tus.header("Location")).getPath();
        r.put("HEAD /api/uploads/{id}", api.send(tus(api, resumable).method("HEAD", BodyPublishers.noBody())));
        r.put(
                "PATCH /api/uploads/{id}",
                api.send(tus(api, resumable)
                        .header("Upload-Offset", "0")
                        .header("Content-Type", "application/offset+octet-stream")
                        .method("PATCH", BodyPublishers.ofByteArray("not video".getBytes()))));
        r.put("GET /api/uploads/{id}", api.get(resumable));
        r.put("DELETE /api/uploads/{id}", api.send(tus(api, resumable).DELETE()));

        r.put("GET /api/ops/queues", api.get("/api/ops/queues"));
        r.put("GET /api/ops/workers", api.get("/api/ops/workers"));
        r.put("GET /api/ops/tasks/registered", api.get("/api/ops/tasks/registered"));
        r.put("GET /api/ops/stats", api.get("/api/ops/stats"));
        monitoring.take(); // so the schedules' reply has a snapshot to compare
        r.put("GET /api/ops/schedules", api.get("/api/ops/schedules"));
        r.put(
                "POST /api/ops/queues/{queue}/purge",
                api.postJson("/api/ops/queues/examples-parked/purge", "{\"confirm\": true}"));
        return r;
    }

    private static java.net.http.HttpRequest.Builder tus(ApiClient api, String path) {
        return api.request(path).header("Tus-Resumable", "1.0.0");
    }

    private static String deadLetterOf(ApiClient api, String taskId) {
        String[] id = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode item : api.get("/api/dead-letters").json().path("items")) {
                if (item.toString().contains(taskId)) {
                    id[0] = item.path("id").asText();
                }
            }
            return id[0] != null;
        });
        return id[0];
    }

    private static Map.Entry<String, JsonNode> success(JsonNode operation) {
        Iterator<Map.Entry<String, JsonNode>> it = operation.path("responses").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("2")) {
                return e;
            }
        }
        return null;
    }

    /**
     * Field names, at every level, must agree between an example and a real reply; a null or an empty list or object in
     * either is not compared further. Paths are field names joined by dots, lists left out ({@code workers.concurrency}).
     *
     * @param detail the operation's operations.yaml entry: its {@code data-keys} (maps keyed by data, compared by one
     *     value's shape) and {@code varies} (not compared)
     */
    private record Shape(JsonNode detail) {

        private boolean listed(String list, String at) {
            String path = at.replace("[0]", "").replaceFirst("^\\$\\.?", "");
            for (JsonNode p : detail == null ? List.<JsonNode>of() : detail.path(list)) {
                if (p.asText().equals(path)) {
                    return true;
                }
            }
            return false;
        }

        void compare(String at, JsonNode example, JsonNode real, List<String> differences) {
            if (example.isNull()
                    || real.isNull()
                    || (example.isContainerNode() && example.isEmpty())
                    || (real.isContainerNode() && real.isEmpty())
                    || listed("varies", at)) {
                return;
            }
            if (example.isArray() && real.isArray()) {
                compare(at + "[0]", example.get(0), real.get(0), differences);
            } else if (example.isObject() && real.isObject() && listed("data-keys", at)) {
                compare(at + ".*", example.elements().next(), real.elements().next(), differences);
            } else if (example.isObject() && real.isObject()) {
                Set<String> documented = new TreeSet<>();
                example.fieldNames().forEachRemaining(documented::add);
                Set<String> answered = new TreeSet<>();
                real.fieldNames().forEachRemaining(answered::add);
                if (documented.equals(answered)) {
                    documented.forEach(
                            name -> compare(at + "." + name, example.get(name), real.get(name), differences));
                } else {
                    Set<String> missing = new TreeSet<>(answered);
                    missing.removeAll(documented);
                    Set<String> extra = new TreeSet<>(documented);
                    extra.removeAll(answered);
                    differences.add(at + " lacks " + missing + ", has extra " + extra);
                }
            } else if (example.getNodeType() != real.getNodeType() && !(example.isNumber() && real.isNumber())) {
                differences.add(at + " is " + real.getNodeType() + ", example " + example.getNodeType());
            }
        }
    }
}
