package io.clipflow.video;

import java.util.Collection;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface VideoRepository extends JpaRepository<Video, Long>, JpaSpecificationExecutor<Video> {
    Optional<Video> findByIdAndOwnerId(Long id, Long ownerId);

    Optional<Video> findByTaskId(String taskId);

    long countByOwnerIdAndStatusIn(Long ownerId, Collection<VideoStatus> statuses);

    /**
     * Unfinished videos untouched since {@code before}, locked for this transaction; rows another node has locked are
     * skipped, so two scans never claim the same video (PostgreSQL and H2 2.x both know SKIP LOCKED).
     */
    @Query(
            value = "select id from video where status in ('UPLOADED', 'QUEUED', 'PROCESSING') and updated_at < :before"
                    + " order by id limit :limit for update skip locked",
            nativeQuery = true)
    java.util.List<Long> claimUnfinished(@Param("before") java.time.Instant before, @Param("limit") int limit);

    @Query(
            value = "select id from video where status = 'DELETED' and updated_at < :before"
                    + " and (source_path is not null or thumbnail_path is not null or master_playlist_path is not null)"
                    + " order by id limit :limit for update skip locked",
            nativeQuery = true)
    java.util.List<Long> claimDeletedWithMedia(@Param("before") java.time.Instant before, @Param("limit") int limit);
}
