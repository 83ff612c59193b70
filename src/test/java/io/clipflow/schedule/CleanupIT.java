package io.clipflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.storage.MediaStore;
import io.clipflow.task.TaskTracker;
import io.clipflow.testsupport.IntegrationTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The daily cleanup removes exactly what is past its retention (7 d media, 1 d uploads, 30 d history by default). */
class CleanupIT extends IntegrationTestBase {

    @Autowired
    Cleanup cleanup;

    @Autowired
    MediaStore store;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TaskTracker tracker;

    @Test
    void removesExactlyWhatIsPastRetentionAndRecordsTheRun() throws Exception {
        Instant now = Instant.now();
        long oldDeleted = video("DELETED", now.minus(Duration.ofDays(8)));
        long recentDeleted = video("DELETED", now.minus(Duration.ofDays(6)));
        long oldReady = video("READY", now.minus(Duration.ofDays(400)));
        Path staleUpload = Files.writeString(store.newIncomingFile(), "abandoned");
        Files.setLastModifiedTime(staleUpload, FileTime.from(now.minus(Duration.ofDays(2))));
        Path liveUpload = Files.writeString(store.newIncomingFile(), "in progress");
        task("old-done-" + oldReady, "SUCCESS", now.minus(Duration.ofDays(31)));
        task("recent-done-" + oldReady, "FAILURE", now.minus(Duration.ofDays(29)));
        task("old-unfinished-" + oldReady, "PENDING", null);

        Map<String, Object> result = cleanup.run();

        assertThat(store.videoDir(oldDeleted)).doesNotExist();
        assertThat(store.videoDir(recentDeleted).resolve("original.mp4")).exists();
        assertThat(store.videoDir(oldReady).resolve("original.mp4")).exists();
        assertThat(jdbc.queryForObject("select source_path from video where id = ?", String.class, oldDeleted))
                .isNull();
        assertThat(jdbc.queryForObject("select source_path from video where id = ?", String.class, recentDeleted))
                .isNotNull();
        assertThat(staleUpload).doesNotExist();
        assertThat(liveUpload).exists();
        assertThat(ids("select task_id from task where task_id like '%-" + oldReady + "'"))
                .containsExactlyInAnyOrder("recent-done-" + oldReady, "old-unfinished-" + oldReady);

        assertThat(result.get("deleted_videos_media_removed")).isEqualTo(List.of(oldDeleted));
        assertThat(result.get("bytes_freed")).isEqualTo(2L * 1000);
        assertThat(result.get("upload_sessions_removed")).isEqualTo(1);
        assertThat(result.get("task_history_removed")).isEqualTo(1);
        String runId = (String) result.get("task_id");
        assertThat(tracker.find(runId).orElseThrow().getName()).isEqualTo("clipflow.cleanup");
        assertThat(tracker.result(runId)
                        .orElseThrow()
                        .result()
                        .path("task_history_removed")
                        .asInt())
                .isEqualTo(1);

        // a second run finds nothing left to remove
        Map<String, Object> again = cleanup.run();
        assertThat(again.get("deleted_videos_media_removed")).isEqualTo(List.of());
        assertThat(again.get("upload_sessions_removed")).isEqualTo(0);
    }

    private long video(String status, Instant updated) throws Exception {
        Timestamp at = Timestamp.from(updated);
        jdbc.update(
                "insert into video (title, status, source_path, thumbnail_path, created_at, updated_at)"
                        + " values ('t', ?, 'x', 'y', ?, ?)",
                status,
                at,
                at);
        long id = jdbc.queryForObject("select max(id) from video", Long.class);
        jdbc.update(
                "update video set source_path = ?, thumbnail_path = ? where id = ?",
                id + "/original.mp4",
                id + "/thumbnail.jpg",
                id);
        Path dir = store.videoDir(id);
        Files.createDirectories(dir);
        Files.write(dir.resolve("original.mp4"), new byte[1000]);
        Files.write(dir.resolve("thumbnail.jpg"), new byte[1000]);
        return id;
    }

    private void task(String id, String state, Instant finished) {
        Timestamp created = Timestamp.from(Instant.now().minus(Duration.ofDays(60)));
        jdbc.update(
                "insert into task (task_id, name, state, created_at, finished_at) values (?, 'x', ?, ?, ?)",
                id,
                state,
                created,
                finished == null ? null : Timestamp.from(finished));
    }

    private List<String> ids(String sql) {
        return jdbc.queryForList(sql, String.class);
    }
}
