package io.clipflow.stage;

import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ProjectRepository extends JpaRepository<Project, String> {

    /** The project when {@code ownerId} is null (an admin) or owns it. */
    @Query("select p from Project p where p.id = :id and (:ownerId is null or p.ownerId = :ownerId)")
    Optional<Project> findVisible(@Param("id") String id, @Param("ownerId") Long ownerId);

    @Query("select p from Project p where (:ownerId is null or p.ownerId = :ownerId)")
    Page<Project> findVisible(@Param("ownerId") Long ownerId, Pageable page);
}
