package io.clipflow.video;

import java.util.Collection;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

interface VideoRepository extends JpaRepository<Video, Long> {
    Page<Video> findByOwnerIdAndStatusNot(Long ownerId, VideoStatus status, Pageable pageable);

    Page<Video> findByStatusNot(VideoStatus status, Pageable pageable);

    Optional<Video> findByIdAndOwnerId(Long id, Long ownerId);

    Optional<Video> findByTaskId(String taskId);

    long countByOwnerIdAndStatusIn(Long ownerId, Collection<VideoStatus> statuses);
}
