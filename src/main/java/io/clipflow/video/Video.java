package io.clipflow.video;

import io.clipflow.media.ProbeResult;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** An uploaded video and what processing made of it. Status changes only through {@link VideoService}. */
@Entity
@Table(name = "video")
public class Video {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "owner_id")
    private Long ownerId;

    private String title;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private VideoStatus status;

    @Column(name = "original_name")
    private String originalName;

    /** Relative to the media root. */
    @Column(name = "source_path")
    private String sourcePath;

    @Column(name = "size_bytes")
    private Long sizeBytes;

    @Column(name = "duration_seconds")
    private Double durationSeconds;

    private Integer width;
    private Integer height;

    @Column(name = "video_codec")
    private String videoCodec;

    @Column(name = "audio_codec")
    private String audioCodec;

    @Column(name = "frame_rate")
    private Double frameRate;

    @Column(name = "bit_rate")
    private Long bitRate;

    @Column(name = "thumbnail_path")
    private String thumbnailPath;

    @Column(name = "master_playlist_path")
    private String masterPlaylistPath;

    private String error;

    @Column(name = "task_id")
    private String taskId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    private long version;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "video_rendition", joinColumns = @JoinColumn(name = "video_id"))
    @OrderColumn(name = "position")
    private List<VideoRendition> renditions = new ArrayList<>();

    protected Video() {}

    Video(Long ownerId, String title, String originalName, long sizeBytes, Instant now) {
        this.ownerId = ownerId;
        this.title = title;
        this.originalName = originalName;
        this.sizeBytes = sizeBytes;
        this.status = VideoStatus.UPLOADED;
        this.createdAt = now;
        this.updatedAt = now;
    }

    void moveTo(VideoStatus target, Instant now) {
        if (!status.canTransitionTo(target)) {
            throw new IllegalVideoTransitionException(id, status, target);
        }
        status = target;
        updatedAt = now;
    }

    /** Still in the same status, but handed to the queue again (the outbox scan): the grace period starts over. */
    void requeued(Instant now) {
        if (status != VideoStatus.QUEUED) {
            moveTo(VideoStatus.QUEUED, now);
        }
        updatedAt = now;
    }

    /** The files of a deleted video are gone (cleanup); the row stays as a record that it existed. */
    void mediaRemoved() {
        this.sourcePath = null;
        this.thumbnailPath = null;
        this.masterPlaylistPath = null;
        this.renditions.clear();
    }

    void sourcePath(String relative) {
        this.sourcePath = relative;
    }

    void taskId(String taskId) {
        this.taskId = taskId;
    }

    void error(String error) {
        this.error = error;
    }

    void probed(ProbeResult probe) {
        this.durationSeconds = probe.durationSeconds();
        this.width = probe.width();
        this.height = probe.height();
        this.videoCodec = probe.videoCodec();
        this.audioCodec = probe.audioCodec();
        this.frameRate = probe.frameRate();
        this.bitRate = probe.bitRate();
    }

    void outputs(String thumbnailPath, String masterPlaylistPath, List<VideoRendition> renditions) {
        this.thumbnailPath = thumbnailPath;
        this.masterPlaylistPath = masterPlaylistPath;
        this.renditions.clear();
        this.renditions.addAll(renditions);
    }

    public Long getId() {
        return id;
    }

    public Long getOwnerId() {
        return ownerId;
    }

    public String getTitle() {
        return title;
    }

    public VideoStatus getStatus() {
        return status;
    }

    public String getOriginalName() {
        return originalName;
    }

    public String getSourcePath() {
        return sourcePath;
    }

    public Long getSizeBytes() {
        return sizeBytes;
    }

    public Double getDurationSeconds() {
        return durationSeconds;
    }

    public Integer getWidth() {
        return width;
    }

    public Integer getHeight() {
        return height;
    }

    public String getVideoCodec() {
        return videoCodec;
    }

    public String getAudioCodec() {
        return audioCodec;
    }

    public Double getFrameRate() {
        return frameRate;
    }

    public Long getBitRate() {
        return bitRate;
    }

    public String getThumbnailPath() {
        return thumbnailPath;
    }

    public String getMasterPlaylistPath() {
        return masterPlaylistPath;
    }

    public String getError() {
        return error;
    }

    public String getTaskId() {
        return taskId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public List<VideoRendition> getRenditions() {
        return List.copyOf(renditions);
    }
}
