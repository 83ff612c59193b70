package io.clipflow.stage;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Every change to a project goes through here; the owner scope (null for admins) decides what a user sees. */
@Component("projectService")
public class ProjectService {

    private final ProjectRepository projects;
    private final Clock clock;

    ProjectService(ProjectRepository projects, Clock clock) {
        this.projects = projects;
        this.clock = clock;
    }

    @Transactional
    public Project create(long ownerId, String title, String sourceText, String settingsJson) {
        return projects.save(
                new Project(UUID.randomUUID().toString(), ownerId, title, sourceText, settingsJson, clock.instant()));
    }

    /** The project, when it exists and {@code ownerScope} (a user's id; null for an admin) may see it. */
    @Transactional(readOnly = true)
    public Optional<Project> find(String id, Long ownerScope) {
        return id == null ? Optional.empty() : projects.findVisible(id, ownerScope);
    }

    @Transactional(readOnly = true)
    public Page<Project> list(Long ownerScope, int page, int size) {
        return projects.findVisible(ownerScope, PageRequest.of(page, size, Sort.by(Sort.Direction.DESC, "createdAt")));
    }

    /** Removes the project and its stage runs; false when it does not exist or is not the user's. */
    @Transactional
    public boolean delete(String id, Long ownerScope) {
        Optional<Project> project = find(id, ownerScope);
        project.ifPresent(projects::delete);
        return project.isPresent();
    }
}
