package io.clipflow.task;

import java.time.Instant;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface TaskRecordRepository extends JpaRepository<TaskRecord, String> {

    @Modifying
    @Query("delete from TaskRecord t where t.finishedAt < :before")
    int deleteFinishedBefore(@Param("before") Instant before);

    @Query("select t.state, count(t) from TaskRecord t group by t.state")
    List<Object[]> countByState();

    @Query("select t.state, count(t) from TaskRecord t where t.finishedAt >= :since group by t.state")
    List<Object[]> countFinishedSince(@Param("since") Instant since);

    @Query("select t.state, count(t) from TaskRecord t where t.finishedAt >= :since and t.ownerId is not null"
            + " group by t.state")
    List<Object[]> countOwnedFinishedSince(@Param("since") Instant since);

    @Query(
            "select t.name, t.startedAt, t.finishedAt from TaskRecord t where t.state = io.clipflow.task.TaskState.SUCCESS"
                    + " and t.startedAt is not null and t.finishedAt >= :since")
    List<Object[]> runtimesSince(@Param("since") Instant since);

    /** Every task of a video, oldest first (index task_video). */
    List<TaskRecord> findByVideoIdOrderByCreatedAtAsc(Long videoId);
}
