package io.clipflow.task;

import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable task list, newest first, filtered and paged by keyset: a page ends at a (created_at, task_id) cursor
 * and the next starts after it, so page 5,000 costs what page 1 does and rows arriving meanwhile never shift a page.
 * Every filter is a bound parameter over an indexed column (task_*_created, task_call's trigram indexes on
 * PostgreSQL); nothing the user typed becomes SQL.
 */
@Service
public class TaskSearch {

    public static final int MAX_LIMIT = 200;

    /**
     * What to look for; null or blank means "any".
     *
     * @param name a task name, or a prefix ending in {@code *} ({@code videos.*})
     * @param id a task id or the start of one
     * @param args text the arguments (positional or keyword, as JSON) contain, ignoring case
     * @param ownerScope only this user's tasks; null for everyone's (an admin)
     * @param after the cursor of the previous page's last row, or null for the first page
     */
    public record Query(
            String name,
            TaskState state,
            String queue,
            String worker,
            Instant from,
            Instant to,
            String id,
            String args,
            Long ownerScope,
            String after,
            int limit) {}

    /** One row of the list. */
    public record Row(
            String taskId,
            String name,
            String queue,
            TaskState state,
            int retries,
            String worker,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt,
            String error,
            Long videoId) {}

    /** A page and the cursor of the next one (null on the last page). */
    public record Page(List<Row> rows, String next) {}

    private final JdbcTemplate jdbc;
    private final TaskHistory history;

    /** On PostgreSQL, a read-only transaction the search runs in with custom plans; null elsewhere. */
    private final TransactionTemplate customPlans;

    TaskSearch(JdbcTemplate jdbc, TaskHistory history, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.history = history;
        String database =
                jdbc.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
        if ("PostgreSQL".equals(database)) {
            this.customPlans = new TransactionTemplate(transactions);
            this.customPlans.setReadOnly(true);
        } else {
            this.customPlans = null;
        }
    }

    public Page search(Query q) {
        history.flush();
        int limit = Math.max(1, Math.min(q.limit(), MAX_LIMIT));
        StringBuilder sql = new StringBuilder("select t.task_id, t.name, t.queue, t.state, t.retries, t.worker,"
                + " t.created_at, t.started_at, t.finished_at, t.error, t.video_id from task t");
        List<Object> params = new ArrayList<>();
        if (present(q.args())) {
            sql.append(" join task_call c on c.task_id = t.task_id");
        }
        sql.append(" where 1 = 1");
        if (q.ownerScope() != null) {
            sql.append(" and t.owner_id = ?");
            params.add(new SqlParameterValue(Types.BIGINT, q.ownerScope()));
        }
        if (present(q.name())) {
            String name = q.name().strip();
            if (name.endsWith("*")) {
                sql.append(" and t.name like ? escape '\\'");
                params.add(text(likeEscaped(name.substring(0, name.length() - 1)) + "%"));
            } else {
                sql.append(" and t.name = ?");
                params.add(text(name));
            }
        }
        if (q.state() != null) {
            sql.append(" and t.state = ?");
            params.add(text(q.state().name()));
        }
        if (present(q.queue())) {
            sql.append(" and t.queue = ?");
            params.add(text(q.queue().strip()));
        }
        if (present(q.worker())) {
            sql.append(" and t.worker = ?");
            params.add(text(q.worker().strip()));
        }
        if (q.from() != null) {
            sql.append(" and t.created_at >= ?");
            params.add(time(q.from()));
        }
        if (q.to() != null) {
            sql.append(" and t.created_at < ?");
            params.add(time(q.to()));
        }
        if (present(q.id())) {
            sql.append(" and t.task_id like ? escape '\\'");
            params.add(text(likeEscaped(q.id().strip()) + "%"));
        }
        if (present(q.args())) {
            String pattern = "%" + likeEscaped(q.args().strip().toLowerCase(Locale.ROOT)) + "%";
            sql.append(" and (lower(c.args_json) like ? escape '\\' or lower(c.kwargs_json) like ? escape '\\')");
            params.add(text(pattern));
            params.add(text(pattern));
        }
        Cursor after = Cursor.parse(q.after());
        if (after != null) {
            // a row-value comparison, which the (created_at, task_id) index can start from; an OR of the two
            // columns cannot, and reading from the newest row to the cursor made deep pages slow
            sql.append(" and (t.created_at, t.task_id) < (?, ?)");
            params.add(time(after.createdAt()));
            params.add(text(after.taskId()));
        }
        sql.append(" order by t.created_at desc, t.task_id desc limit ").append(limit + 1);
        List<Row> rows = customPlans == null
                ? query(sql.toString(), params)
                : customPlans.execute(status -> {
                    // a plan for these values: PostgreSQL's generic plan for a reused statement cannot know that
                    // '%needle%' matches one row in a million, and walks the history newest first instead of using
                    // the trigram index (2 s instead of 20 ms at a million rows, bench/task-history.sh)
                    jdbc.execute("set local plan_cache_mode = force_custom_plan");
                    return query(sql.toString(), params);
                });
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        Row last = rows.get(limit - 1);
        return new Page(rows.subList(0, limit), new Cursor(last.createdAt(), last.taskId()).token());
    }

    private List<Row> query(String sql, List<Object> params) {
        return jdbc.query(
                sql,
                (rs, i) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        TaskState.valueOf(rs.getString(4)),
                        rs.getInt(5),
                        rs.getString(6),
                        instant(rs.getObject(7, OffsetDateTime.class)),
                        instant(rs.getObject(8, OffsetDateTime.class)),
                        instant(rs.getObject(9, OffsetDateTime.class)),
                        rs.getString(10),
                        (Long) rs.getObject(11)),
                params.toArray());
    }

    /** Where a page ended: its last row's creation time and id, as an opaque URL-safe token. */
    record Cursor(Instant createdAt, String taskId) {
        String token() {
            String raw = createdAt.getEpochSecond() + "." + createdAt.getNano() + "." + taskId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** The cursor in a token, or null for none or one that is not a cursor (the first page then). */
        static Cursor parse(String token) {
            if (token == null || token.isBlank() || token.length() > 200) {
                return null;
            }
            try {
                String[] parts =
                        new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\.", 3);
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[2]);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static SqlParameterValue text(String value) {
        return new SqlParameterValue(Types.VARCHAR, value);
    }

    private static SqlParameterValue time(Instant value) {
        return new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, value.atOffset(ZoneOffset.UTC));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
