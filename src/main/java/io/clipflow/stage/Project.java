package io.clipflow.stage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** An AI story project (seed 003): a title, the source text and its settings, owned by one user. */
@Entity
@Table(name = "project")
public class Project {
    @Id
    private String id;

    @Column(name = "owner_id", nullable = false)
    private Long ownerId;

    @Column(nullable = false)
    private String title;

    @Column(name = "source_text", nullable = false)
    private String sourceText;

    /** A JSON object, kept as text: the stages read it, the database never looks inside. */
    @Column(nullable = false)
    private String settings;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    private long version;

    protected Project() {}

    Project(String id, long ownerId, String title, String sourceText, String settings, Instant now) {
        this.id = id;
        this.ownerId = ownerId;
        this.title = title;
        this.sourceText = sourceText;
        this.settings = settings;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public String getId() {
        return id;
    }

    public Long getOwnerId() {
        return ownerId;
    }

    public String getTitle() {
        return title;
    }

    public String getSourceText() {
        return sourceText;
    }

    public String getSettings() {
        return settings;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
