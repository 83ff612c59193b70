package io.clipflow.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.security.Role;
import io.clipflow.testsupport.IntegrationTestBase;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The task list's keyset paging and filters, on each database (H2 and PostgreSQL subclasses). */
abstract class TaskSearchContract extends IntegrationTestBase {

    @Autowired
    TaskSearch search;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void pagesThroughEveryRowOnceNewestFirstAndFindsByArgumentAndIdPrefix() {
        long owner = newUser(Role.USER).userId();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String id = tag + "-" + UUID.randomUUID();
            ids.add(id);
            // every third pair shares a timestamp: the cursor must break ties by id
            Instant at = base.plusSeconds(i / 2);
            jdbc.update(
                    "insert into task (task_id, name, queue, owner_id, state, retries, created_at) values (?, ?, ?, ?, ?, 0, ?)",
                    id,
                    "clipflow.noop",
                    "celery",
                    owner,
                    i % 10 == 0 ? "FAILURE" : "SUCCESS",
                    Timestamp.from(at));
            jdbc.update(
                    "insert into task_call (task_id, args_json, kwargs_json, too_large) values (?, ?, '{}', false)",
                    id,
                    "[\"item-" + tag + "-" + i + "\"]");
        }
        List<TaskSearch.Row> seen = new ArrayList<>();
        String after = null;
        List<Integer> sizes = new ArrayList<>();
        do {
            TaskSearch.Page page = search.search(
                    new TaskSearch.Query(null, null, null, null, null, null, null, null, owner, after, 50));
            sizes.add(page.rows().size());
            seen.addAll(page.rows());
            after = page.next();
        } while (after != null);
        assertThat(sizes).containsExactly(50, 50, 20);
        Set<String> unique = new HashSet<>();
        seen.forEach(r -> unique.add(r.taskId()));
        assertThat(unique).hasSize(120).containsAll(ids);
        for (int i = 1; i < seen.size(); i++) {
            TaskSearch.Row prev = seen.get(i - 1);
            TaskSearch.Row row = seen.get(i);
            assertThat(prev.createdAt().isAfter(row.createdAt())
                            || (prev.createdAt().equals(row.createdAt())
                                    && prev.taskId().compareTo(row.taskId()) > 0))
                    .as("newest first, ties by id descending")
                    .isTrue();
        }

        var byArgs = search.search(
                new TaskSearch.Query(null, null, null, null, null, null, null, "ITEM-" + tag + "-77", owner, null, 50));
        assertThat(byArgs.rows()).extracting(TaskSearch.Row::taskId).containsExactly(ids.get(77));
        var failed = search.search(new TaskSearch.Query(
                "clipflow.*", TaskState.FAILURE, "celery", null, null, null, tag, null, owner, null, 50));
        assertThat(failed.rows()).hasSize(12);
        var percent =
                search.search(new TaskSearch.Query(null, null, null, null, null, null, null, "%", owner, null, 50));
        assertThat(percent.rows()).as("a % is a character, not a wildcard").isEmpty();
        var garbageCursor = search.search(
                new TaskSearch.Query(null, null, null, null, null, null, null, null, owner, "not-a-cursor!", 50));
        assertThat(garbageCursor.rows()).as("a bad cursor is the first page").hasSize(50);
    }
}
