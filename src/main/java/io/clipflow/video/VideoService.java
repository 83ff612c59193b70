package io.clipflow.video;

import io.clipflow.celery.TaskCall;
import io.clipflow.media.ProbeResult;
import io.clipflow.storage.MediaStore;
import io.clipflow.task.TaskTracker;
import java.nio.file.Files;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Every change to a video row goes through here; the status enum decides which moves are legal. */
@Component("videoService")
public class VideoService {

    private final VideoRepository videos;
    private final MediaStore store;
    private final TaskTracker tracker;
    private final VideoProperties properties;
    private final Clock clock;

    VideoService(
            VideoRepository videos, MediaStore store, TaskTracker tracker, VideoProperties properties, Clock clock) {
        this.videos = videos;
        this.store = store;
        this.tracker = tracker;
        this.properties = properties;
        this.clock = clock;
    }

    /** Creates the row and moves the staged file into the video's folder. */
    @Transactional
    public Video register(UploadedFile upload) {
        String title = upload.title() == null || upload.title().isBlank() ? upload.displayName() : upload.title();
        Video video = videos.saveAndFlush(
                new Video(upload.ownerId(), title, upload.displayName(), upload.sizeBytes(), clock.instant()));
        video.sourcePath(store.adopt(upload.staged(), video.getId(), upload.displayName()));
        return video;
    }

    /**
     * Marks the video QUEUED and records its task before the message is published, so a worker that
     * picks the message up at once always finds the row in a state it may move on from.
     */
    @Transactional
    public void queued(long videoId, TaskCall call) {
        Video video = get(videoId);
        video.moveTo(VideoStatus.QUEUED, clock.instant());
        video.taskId(call.taskId());
        video.error(null);
        tracker.queued(call.taskId(), call.name(), properties.queue(), video.getOwnerId(), videoId);
    }

    /**
     * Outbox scan: ids of unfinished videos not touched since {@code before}, row-locked until the caller's transaction
     * ends (propagation MANDATORY: the claim is worthless outside one).
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public List<Long> claimUnfinished(java.time.Instant before, int limit) {
        return videos.claimUnfinished(before, limit);
    }

    /** Outbox scan: the video's message was lost; it is QUEUED again under a new task, recorded before publishing. */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void requeued(long videoId, TaskCall call) {
        Video video = get(videoId);
        video.requeued(clock.instant());
        video.taskId(call.taskId());
        tracker.queued(call.taskId(), call.name(), properties.queue(), video.getOwnerId(), videoId);
    }

    /** Cleanup: deleted videos that still have files and were deleted before {@code before}, row-locked. */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public List<Long> claimDeletedWithMedia(java.time.Instant before, int limit) {
        return videos.claimDeletedWithMedia(before, limit);
    }

    /** Cleanup: removes a deleted video's folder and forgets its paths; returns the bytes freed. */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public long removeMedia(long videoId) {
        Video video = get(videoId);
        if (video.getStatus() != VideoStatus.DELETED) {
            throw new IllegalStateException("video " + videoId + " is not deleted");
        }
        long bytes = store.deleteVideo(videoId);
        video.mediaRemoved();
        return bytes;
    }

    /** PROCESSING, outputs of an earlier run cleared; returns the original's path. */
    @Transactional
    public java.nio.file.Path start(long videoId, String taskId) {
        Video video = get(videoId);
        video.moveTo(VideoStatus.PROCESSING, clock.instant());
        video.taskId(taskId);
        video.error(null);
        store.clearOutputs(videoId);
        if (video.getSourcePath() == null) {
            throw new IllegalStateException("video " + videoId + " has no stored file");
        }
        java.nio.file.Path source = store.resolve(video.getSourcePath());
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("video " + videoId + ": stored file is missing");
        }
        return source;
    }

    /** What ffprobe found: duration, displayed size, codecs, frame rate and bit rate. */
    @Transactional
    public void probed(long videoId, ProbeResult probe) {
        get(videoId).probed(probe);
    }

    @Transactional
    public Video ready(
            long videoId, java.nio.file.Path thumbnail, java.nio.file.Path master, List<VideoRendition> renditions) {
        Video video = get(videoId);
        video.outputs(store.relative(thumbnail), store.relative(master), renditions);
        video.moveTo(VideoStatus.READY, clock.instant());
        return video;
    }

    /** FAILED with a readable reason; partial outputs removed. */
    @Transactional
    public void failed(Long videoId, String reason) {
        if (videoId == null) {
            return;
        }
        videos.findById(videoId)
                .filter(v -> v.getStatus().canTransitionTo(VideoStatus.FAILED))
                .ifPresent(video -> {
                    video.error(
                            reason == null
                                    ? "processing failed"
                                    : reason.length() > 2000 ? reason.substring(0, 2000) : reason);
                    video.moveTo(VideoStatus.FAILED, clock.instant());
                    store.clearOutputs(videoId);
                });
    }

    /** A failed attempt that will run again: outputs cleared, still PROCESSING, the reason kept for the API. */
    @Transactional
    public void attemptFailed(Long videoId, String reason) {
        if (videoId == null) {
            return;
        }
        videos.findById(videoId)
                .filter(v -> v.getStatus() == VideoStatus.PROCESSING)
                .ifPresent(video -> {
                    video.error(reason == null ? null : reason.length() > 2000 ? reason.substring(0, 2000) : reason);
                    store.clearOutputs(videoId);
                });
    }

    /** The video's current task ended without running (revoked, expired): FAILED with that reason. */
    @org.springframework.context.event.EventListener
    @Transactional
    public void onTaskEndedEarly(io.clipflow.task.TaskEndedEarly ended) {
        videos.findByTaskId(ended.taskId())
                .filter(v -> v.getStatus() == VideoStatus.QUEUED
                        || v.getStatus() == VideoStatus.PROCESSING
                        || v.getStatus() == VideoStatus.UPLOADED)
                .ifPresent(v -> {
                    v.error(ended.reason());
                    v.moveTo(VideoStatus.FAILED, clock.instant());
                    store.clearOutputs(v.getId());
                });
    }

    @Transactional
    public boolean delete(long videoId, Long ownerId) {
        Optional<Video> video =
                ownerId == null ? videos.findById(videoId) : videos.findByIdAndOwnerId(videoId, ownerId);
        return video.filter(v -> v.getStatus() != VideoStatus.DELETED)
                .map(v -> {
                    v.moveTo(VideoStatus.DELETED, clock.instant());
                    return true;
                })
                .orElse(false);
    }

    /** A user's video, or any video for {@code ownerId == null} (admin); deleted ones are gone. */
    @Transactional(readOnly = true)
    public Optional<Video> find(long videoId, Long ownerId) {
        Optional<Video> video =
                ownerId == null ? videos.findById(videoId) : videos.findByIdAndOwnerId(videoId, ownerId);
        return video.filter(v -> v.getStatus() != VideoStatus.DELETED);
    }

    /** Videos of the user not finished yet (UPLOADED, QUEUED, PROCESSING), for the per-user cap on pending work. */
    @Transactional(readOnly = true)
    public long pendingCount(long ownerId) {
        return videos.countByOwnerIdAndStatusIn(
                ownerId, EnumSet.of(VideoStatus.UPLOADED, VideoStatus.QUEUED, VideoStatus.PROCESSING));
    }

    /**
     * One page of the user's videos ({@code ownerId == null}: everyone's), newest first, optionally only those whose
     * title (or file name, when untitled) contains {@code title} ignoring case, and only those in {@code status}.
     */
    @Transactional(readOnly = true)
    public Page<Video> search(Long ownerId, String title, VideoStatus status, int page, int size) {
        Specification<Video> spec = (v, q, cb) -> cb.notEqual(v.get("status"), VideoStatus.DELETED);
        if (ownerId != null) {
            spec = spec.and((v, q, cb) -> cb.equal(v.get("ownerId"), ownerId));
        }
        if (status != null) {
            spec = spec.and((v, q, cb) -> cb.equal(v.get("status"), status));
        }
        if (title != null && !title.isBlank()) {
            String pattern = "%" + likeEscaped(title.strip().toLowerCase(Locale.ROOT)) + "%";
            spec = spec.and(
                    (v, q, cb) -> cb.like(cb.lower(cb.coalesce(v.get("title"), v.get("originalName"))), pattern, '\\'));
        }
        return videos.findAll(
                spec, PageRequest.of(page, size, Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"))));
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    public Video get(long videoId) {
        return videos.findById(videoId).orElseThrow(() -> new VideoNotFoundException(videoId));
    }
}
