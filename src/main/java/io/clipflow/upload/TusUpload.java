package io.clipflow.upload;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tus upload in progress (or just finished): how long it will be, how much has arrived, and what it became. */
@Entity
@Table(name = "tus_upload")
public class TusUpload {
    @Id
    private String id;

    @Column(name = "owner_id", nullable = false)
    private Long ownerId;

    @Column(name = "upload_length", nullable = false)
    private long length;

    @Column(name = "upload_offset", nullable = false)
    private long offset;

    @Column(name = "file_name", nullable = false)
    private String fileName;

    private String title;

    @Column(nullable = false)
    private String metadata;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "video_id")
    private Long videoId;

    @Column(name = "task_id")
    private String taskId;

    protected TusUpload() {}

    TusUpload(
            String id,
            long ownerId,
            long length,
            String fileName,
            String title,
            String metadata,
            Instant now,
            Instant expiresAt) {
        this.id = id;
        this.ownerId = ownerId;
        this.length = length;
        this.fileName = fileName;
        this.title = title;
        this.metadata = metadata;
        this.createdAt = now;
        this.expiresAt = expiresAt;
    }

    public String getId() {
        return id;
    }

    public Long getOwnerId() {
        return ownerId;
    }

    public long getLength() {
        return length;
    }

    public long getOffset() {
        return offset;
    }

    void setOffset(long offset) {
        this.offset = offset;
    }

    public String getFileName() {
        return fileName;
    }

    public String getTitle() {
        return title;
    }

    public String getMetadata() {
        return metadata;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    void setExpiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    public Long getVideoId() {
        return videoId;
    }

    public String getTaskId() {
        return taskId;
    }

    void completed(long videoId, String taskId) {
        this.videoId = videoId;
        this.taskId = taskId;
    }

    public boolean isComplete() {
        return offset == length;
    }
}
