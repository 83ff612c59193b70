package io.clipflow.task;

import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.stereotype.Component;

/** Reads and writes {@code task_call}: a task's call is written once, by whichever node first has it and a row. */
@Component
class TaskCalls {

    // portable insert-if-absent (H2 and PostgreSQL); parameters are typed so PostgreSQL can type a NULL
    private static final String INSERT = "insert into task_call (task_id, args_json, kwargs_json, too_large, parent_id,"
            + " root_id, group_id, eta, priority, retry_of) select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            + " where not exists (select 1 from task_call where task_id = ?)";

    private final JdbcTemplate jdbc;

    TaskCalls(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes the calls of tasks that have a row, unless a call is there already; in the caller's transaction. */
    void addAll(Map<String, TaskCallInfo> calls) {
        if (calls.isEmpty()) {
            return;
        }
        List<Object[]> rows = calls.entrySet().stream()
                .map(e -> {
                    TaskCallInfo c = e.getValue();
                    return new Object[] {
                        text(e.getKey()),
                        text(c.argsJson()),
                        text(c.kwargsJson()),
                        new SqlParameterValue(Types.BOOLEAN, c.tooLarge()),
                        text(c.parentId()),
                        text(c.rootId()),
                        text(c.groupId()),
                        new SqlParameterValue(
                                Types.TIMESTAMP_WITH_TIMEZONE,
                                c.eta() == null ? null : c.eta().atOffset(ZoneOffset.UTC)),
                        new SqlParameterValue(Types.INTEGER, c.priority()),
                        text(c.retryOf()),
                        text(e.getKey())
                    };
                })
                .toList();
        jdbc.batchUpdate(INSERT, rows);
    }

    Optional<TaskCallInfo> find(String taskId) {
        return jdbc
                .query(
                        "select args_json, kwargs_json, too_large, parent_id, root_id, group_id, eta, priority, retry_of"
                                + " from task_call where task_id = ?",
                        (rs, i) -> {
                            OffsetDateTime eta = rs.getObject(7, OffsetDateTime.class);
                            return new TaskCallInfo(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getBoolean(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getString(6),
                                    eta == null ? null : eta.toInstant(),
                                    (Integer) rs.getObject(8),
                                    rs.getString(9));
                        },
                        taskId)
                .stream()
                .findFirst();
    }

    /** Tasks whose parent is {@code taskId} (a chain's next step, a task's subtasks), oldest first, at most 100. */
    List<String> children(String taskId) {
        return jdbc.queryForList(
                "select c.task_id from task_call c join task t on t.task_id = c.task_id where c.parent_id = ?"
                        + " order by t.created_at limit 100",
                String.class,
                taskId);
    }

    private static SqlParameterValue text(String value) {
        return new SqlParameterValue(Types.VARCHAR, value);
    }
}
