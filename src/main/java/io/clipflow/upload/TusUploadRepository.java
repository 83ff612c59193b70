package io.clipflow.upload;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface TusUploadRepository extends JpaRepository<TusUpload, String> {

    @Query("select u from TusUpload u where u.id = :id and (:ownerId is null or u.ownerId = :ownerId)")
    Optional<TusUpload> findVisible(String id, Long ownerId);

    List<TusUpload> findTop500ByExpiresAtBefore(Instant now);
}
