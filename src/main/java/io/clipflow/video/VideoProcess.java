package io.clipflow.video;

import io.clipflow.lock.LeaseLockRepository;
import io.clipflow.media.HlsLadder;
import io.clipflow.media.HlsOutput;
import io.clipflow.media.ProbeResult;
import io.clipflow.media.Rendition;
import io.clipflow.media.Thumbnail;
import io.clipflow.media.VideoProbe;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import io.clipflow.queue.TaskSupervisor;
import io.clipflow.queue.TaskVariables;
import io.clipflow.storage.MediaStore;
import io.clipflow.task.TaskTracker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.apache.camel.Variables;
import org.apache.camel.component.exec.ExecResult;
import org.springframework.stereotype.Component;

/**
 * The steps of routes video-upload and video-process. Each method is one step; the routes' YAML decides their order.
 * Exchange state travels in variables ({@code videoId}, {@code taskId}, {@code source}, {@code probe}, {@code
 * thumbnail}).
 */
@Component("videoPipeline")
public class VideoPipeline {

    private final VideoService videos;
    private final VideoProbe probe;
    private final Thumbnail thumbnail;
    private final HlsLadder ladder;
    private final MediaStore store;
    private final TaskTracker tracker;
    private final LeaseLockRepository videoLock;
    private final VideoProperties properties;
    private final TaskSupervisor supervisor;
    private final VideoEvents events;
    private final io.clipflow.media.TranscodeMetrics transcodeMetrics;

    VideoPipeline(
            VideoService videos,
            VideoProbe probe,
            Thumbnail thumbnail,
            HlsLadder ladder,
            MediaStore store,
            TaskTracker tracker,
            LeaseLockRepository videoLock,
            VideoProperties properties,
            TaskSupervisor supervisor,
            VideoEvents events,
            io.clipflow.media.TranscodeMetrics transcodeMetrics) {
        this.transcodeMetrics = transcodeMetrics;
        this.supervisor = supervisor;
        this.videos = videos;
        this.probe = probe;
        this.thumbnail = thumbnail;
        this.ladder = ladder;
        this.store = store;
        this.tracker = tracker;
        this.videoLock = videoLock;
        this.properties = properties;
        this.events = events;
    }

    /** video-upload: the row (UPLOADED) with the staged file moved into the video's folder; returns the video id. */
    public long register(@Body UploadedFile upload) {
        return videos.register(upload).getId();
    }

    /**
     * video-upload: the processing task for the video, with its id chosen now so it can be recorded first, owned by
     * the uploader.
     */
    public TaskCall processVideoCall(@Variable("videoId") long videoId, @Body UploadedFile upload) {
        return new TaskCall(
                UUID.randomUUID().toString(),
                properties.task(),
                List.of(videoId),
                Map.of(),
                TaskOptions.none(),
                upload.ownerId());
    }

    /** video-upload: QUEUED and the task's history row, committed before the message is published. */
    public void queued(@Variable("videoId") long videoId, @Body TaskCall call) {
        videos.queued(videoId, call);
    }

    /** video-upload: the 202 reply. */
    public Map<String, Object> uploadReply(@Variable("videoId") long videoId, @Body String taskId) {
        Video video = videos.get(videoId);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("id", video.getId());
        summary.put("status", video.getStatus().name());
        summary.put("title", video.getTitle());
        return Map.of("video", summary, "task_id", taskId);
    }

    /** video-process: the video id from a {@code process_video(video_id)} message, as Django sends it. */
    public long videoId(@Body CeleryMessage message) {
        List<Object> args = message.args();
        Object first = args.isEmpty() ? message.kwargs().get("video_id") : args.get(0);
        if (first instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() > 0) {
            org.slf4j.MDC.put("video_id", Long.toString(n.longValue()));
            return n.longValue();
        }
        if (first instanceof String s && s.matches("[1-9][0-9]{0,18}")) {
            org.slf4j.MDC.put("video_id", s);
            return Long.parseLong(s);
        }
        throw new IllegalArgumentException(message.taskName() + " expects [video_id] (a positive integer), got args "
                + args + " kwargs " + message.kwargs().keySet());
    }

    /**
     * video-process: the video is locked by another running task, so this one does nothing. When the holder is this
     * very task (a redelivered copy), no result is written: the holder's result must not be pre-empted.
     */
    public Map<String, Object> skipped(
            @Variable("videoId") long videoId,
            @Variable("taskId") String taskId,
            @Variable("taskName") String taskName,
            @Variables Map<String, Object> variables) {
        String holder = videoLock.holder(Long.toString(videoId)).orElse("another worker");
        String reason = "video " + videoId + " is being processed by task " + holder;
        if (holder.startsWith(taskId + "@")) {
            variables.put(TaskVariables.STORE_RESULT, false);
        } else {
            tracker.skipped(taskId, taskName, reason);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("video_id", videoId);
        result.put("skipped", true);
        result.put("reason", reason);
        return result;
    }

    /** video-process: PROCESSING; returns the stored original. */
    public Path start(@Variable("videoId") long videoId, @Variable("taskId") String taskId) {
        return videos.start(videoId, taskId);
    }

    /** video-process: the ffprobe argument list for the exec step. */
    public List<String> probeCommand(@Variable("source") Path source) {
        return execArguments(probe.command(source));
    }

    /** video-process: reads the exec step's ffprobe output; a file that is not a video fails here. */
    public ProbeResult probed(@Variable("videoId") long videoId, @Body ExecResult exec) {
        ProbeResult result = probe.parse(text(exec.getStdout()), exec.getExitValue(), text(exec.getStderr()));
        videos.probed(
                videoId,
                result.durationSeconds(),
                result.width(),
                result.height(),
                result.videoCodec(),
                result.audioCodec(),
                result.frameRate(),
                result.bitRate());
        return result;
    }

    /** video-process: the ffmpeg argument list for the thumbnail exec step. */
    public List<String> thumbnailCommand(
            @Variable("videoId") long videoId, @Variable("source") Path source, @Variable("probe") ProbeResult probed) {
        return execArguments(thumbnail.command(source, store.thumbnail(videoId), probed));
    }

    /** video-process: checks the thumbnail exec step wrote a picture; returns its path. */
    public Path thumbnailWritten(@Variable("videoId") long videoId, @Body ExecResult exec) {
        return thumbnail.verify(store.thumbnail(videoId), exec.getExitValue(), text(exec.getStderr()));
    }

    /**
     * video-process: the whole ladder in one ffmpeg process; progress goes to the result backend as PROGRESS and out
     * as {@code progress} events (throttled by the ladder: a few per second, never decreasing, 100 once verified).
     */
    public HlsOutput transcode(
            @Variable("videoId") long videoId,
            @Variable("taskId") String taskId,
            @Variable("source") Path source,
            @Variable("probe") ProbeResult probed) {
        long started = System.nanoTime();
        HlsOutput output = ladder.transcode(source, store.hlsDir(videoId), probed, fraction -> {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("video_id", videoId);
            meta.put("stage", "transcode");
            meta.put("progress", Math.round(fraction * 1000) / 10.0);
            tracker.progress(taskId, meta);
            events.progress(videoId, taskId, fraction, probed.durationSeconds());
        });
        transcodeMetrics.transcoded(probed.durationSeconds(), java.time.Duration.ofNanos(System.nanoTime() - started));
        return output;
    }

    /** video-process: READY with the ladder; returns the task's result. */
    public Map<String, Object> ready(
            @Variable("videoId") long videoId, @Variable("thumbnail") Path thumb, @Body HlsOutput output) {
        Path hls = store.hlsDir(videoId);
        List<VideoRendition> renditions = output.renditions().stream()
                .map(r -> new VideoRendition(
                        r.name(),
                        r.width(),
                        r.height(),
                        r.bandwidth(),
                        store.relative(hls.resolve(r.playlist())),
                        r.segmentCount()))
                .toList();
        Video video = videos.ready(videoId, thumb, output.masterPlaylist(), renditions);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("video_id", videoId);
        result.put("status", video.getStatus().name());
        result.put("duration_seconds", video.getDurationSeconds());
        result.put("width", video.getWidth());
        result.put("height", video.getHeight());
        result.put(
                "renditions", output.renditions().stream().map(Rendition::name).toList());
        return result;
    }

    /**
     * video-process error handler: FAILED with the innermost readable reason, unless the task will run again (a retry
     * or a hand-back on shutdown), in which case the video stays PROCESSING with its outputs cleared.
     */
    public void failed(
            @Variable("videoId") Long videoId,
            @Variable("taskId") String taskId,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        Throwable cause = io.clipflow.media.MediaException.readableCause(failure);
        Throwable effective = cause == null ? null : supervisor.effectiveFailure(taskId, cause);
        String reason = effective == null ? null : effective.getMessage();
        if (effective != null && supervisor.willRunAgain(taskId, effective)) {
            videos.attemptFailed(videoId, reason);
        } else {
            videos.failed(videoId, reason);
        }
    }

    /** The exec step takes the executable separately (CamelExecCommandExecutable); the argv's first entry is it. */
    private static List<String> execArguments(List<String> argv) {
        return argv.subList(1, argv.size());
    }

    private static String text(InputStream in) {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
