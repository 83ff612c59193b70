package io.clipflow.stage;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface StageRunRepository extends JpaRepository<StageRun, Long> {

    Optional<StageRun> findByTaskIdAndAttempt(String taskId, int attempt);

    Optional<StageRun> findFirstByTaskIdAndState(String taskId, StageRunState state);

    List<StageRun> findByTaskIdOrderByAttemptDesc(String taskId);

    List<StageRun> findByProjectIdOrderByCreatedAtAsc(String projectId);

    Optional<StageRun> findFirstByProjectIdAndStageAndStateOrderByFinishedAtDesc(
            String projectId, String stage, StageRunState state);

    @Query("select count(r) from StageRun r where r.ownerId = :ownerId and r.state in :states and r.updatedAt > :since")
    long countActive(
            @Param("ownerId") long ownerId,
            @Param("states") Collection<StageRunState> states,
            @Param("since") Instant since);

    @Query("select coalesce(sum(coalesce(r.promptTokens, 0) + coalesce(r.tokensUsed, 0)), 0) from StageRun r"
            + " where r.ownerId = :ownerId and r.finishedAt >= :since")
    long tokensSince(@Param("ownerId") long ownerId, @Param("since") Instant since);
}
