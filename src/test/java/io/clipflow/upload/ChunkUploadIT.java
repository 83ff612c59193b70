package io.clipflow.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.ApiClient.Reply;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Seed 001's upload-chunk + merge-chunks API, as its Django front end calls it. */
class ChunkUploadIT extends IntegrationTestBase {

    @TempDir
    Path dir;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void chunksArriveOutOfOrderAreResentAndMergeIntoAReadyVideo() throws Exception {
        ApiClient alice = newUser(Role.USER);
        byte[] file = Files.readAllBytes(Clips.generate(dir, "my-video.mp4", 320, 240, 2, true));
        byte[][] parts = split(file, 3);
        String md5 = md5(file);

        assertThat(alice.uploadChunk(md5, 2, 3, "garbage".getBytes()).status()).isEqualTo(200);
        Reply second = alice.uploadChunk(md5, 0, 3, parts[0]);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("detail").asText()).isEqualTo("分片上传成功");
        assertThat(second.json().path("received").toString()).isEqualTo("[0,2]");
        assertThat(second.json().path("missing").toString()).isEqualTo("[1]");

        Reply early = alice.mergeChunks("my-video.mp4", md5, 3);
        assertThat(early.status()).isEqualTo(400);
        assertThat(early.json().path("error").asText()).isEqualTo("missing chunks");
        assertThat(early.json().path("detail").asText()).contains("[1]");

        assertThat(alice.uploadChunk(md5, 1, 3, parts[1]).status()).isEqualTo(200);
        Reply wrong = alice.mergeChunks("my-video.mp4", md5, 3);
        assertThat(wrong.status()).as("chunk 2 is still the garbage one").isEqualTo(400);
        assertThat(wrong.json().path("error").asText()).isEqualTo("md5 mismatch");
        assertThat(countVideos(alice)).as("nothing queued").isZero();

        assertThat(alice.uploadChunk(md5, 2, 3, parts[2]).status())
                .as("re-sent")
                .isEqualTo(200);
        assertThat(alice.uploadChunk(md5, 2, 3, parts[2]).status())
                .as("and again: the same")
                .isEqualTo(200);
        JsonNode resume = alice.get("/api/videos/upload-chunk/?file_md5=" + md5 + "&chunks_total=3")
                .json();
        assertThat(resume.path("received").toString()).isEqualTo("[0,1,2]");
        assertThat(resume.path("missing").toString()).isEqualTo("[]");

        Reply merged = alice.mergeChunks("my-video.mp4", md5.toUpperCase(), 3);
        assertThat(merged.status()).as(merged.body()).isEqualTo(202);
        assertThat(merged.json().path("detail").asText()).isEqualTo("文件合并成功");
        long video = merged.json().path("video").path("id").asLong();
        assertThat(merged.json().path("video").path("status").asText()).isEqualTo("QUEUED");
        assertThat(merged.json().path("task_id").asText()).isNotBlank();
        JsonNode ready = alice.awaitVideo(video, Duration.ofSeconds(90), "READY", "FAILED");
        assertThat(ready.path("status").asText()).as(ready.toString()).isEqualTo("READY");
        assertThat(ready.path("size_bytes").asLong()).isEqualTo(file.length);
        assertThat(alice.mergeChunks("my-video.mp4", md5, 3).status())
                .as("the chunks went with the merge")
                .isEqualTo(400);
    }

    @Test
    void refusesBadArgumentsAndKeepsUsersApart() throws Exception {
        ApiClient alice = newUser(Role.USER);
        ApiClient bob = newUser(Role.USER);
        byte[] file = "a small file".getBytes(StandardCharsets.UTF_8);
        String md5 = md5(file);
        assertThat(alice.uploadChunk(md5, 3, 3, file).status())
                .as("index outside chunks_total")
                .isEqualTo(400);
        assertThat(alice.uploadChunk(md5, -1, 3, file).status()).isEqualTo(400);
        assertThat(alice.uploadChunk(md5, 0, 0, file).status()).isEqualTo(400);
        assertThat(alice.uploadChunk(md5, 0, 10_001, file).status()).isEqualTo(400);
        assertThat(alice.uploadChunk("../../etc/passwd", 0, 1, file).status()).isEqualTo(400);
        assertThat(alice.uploadChunk(md5, 0, 1, new byte[0]).status()).isEqualTo(400);
        assertThat(alice.postJson("/api/videos/merge-chunks/", "{\"file_md5\": \"" + md5 + "\"}")
                        .status())
                .isEqualTo(400);

        assertThat(alice.uploadChunk(md5, 0, 1, file).status()).isEqualTo(200);
        assertThat(bob.get("/api/videos/upload-chunk/?file_md5=" + md5 + "&chunks_total=1")
                        .json()
                        .path("received")
                        .toString())
                .as("bob sees none of alice's chunks")
                .isEqualTo("[]");
        assertThat(bob.mergeChunks("x.mp4", md5, 1).status()).isEqualTo(400);
        Reply merged = alice.mergeChunks("../x.mp4", md5, 1);
        assertThat(merged.status()).as(merged.body()).isEqualTo(202);
    }

    private long countVideos(ApiClient user) {
        return jdbc.queryForObject("select count(*) from video where owner_id = ?", Long.class, user.userId());
    }

    private static byte[][] split(byte[] file, int n) {
        byte[][] parts = new byte[n][];
        int size = (file.length + n - 1) / n;
        for (int i = 0; i < n; i++) {
            parts[i] = Arrays.copyOfRange(file, Math.min(file.length, i * size), Math.min(file.length, (i + 1) * size));
        }
        return parts;
    }

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }
}
