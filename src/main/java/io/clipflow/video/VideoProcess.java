package io.clipflow.video;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.exec.FfmpegExecResult;
import io.clipflow.lock.LeaseLockRepository;
import io.clipflow.media.HlsLadder;
import io.clipflow.media.HlsOutput;
import io.clipflow.media.MediaException;
import io.clipflow.media.ProbeResult;
import io.clipflow.media.ProgressTracker;
import io.clipflow.media.Rendition;
import io.clipflow.media.Thumbnail;
import io.clipflow.media.TranscodeMetrics;
import io.clipflow.media.VideoProbe;
import io.clipflow.queue.TaskSupervisor;
import io.clipflow.queue.TaskVariables;
import io.clipflow.storage.MediaStore;
import io.clipflow.task.TaskTracker;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.apache.camel.Variables;
import org.apache.camel.component.exec.ExecResult;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The steps of route video-process and its error handler; the YAML orders them. Around each FFmpeg stage (probe,
 * thumbnail, transcode) one method builds the argument list for the {@code exec:} step and one reads its outcome.
 * Exchange state travels in variables ({@code videoId}, {@code taskId}, {@code source}, {@code probe}, {@code
 * thumbnail}, {@code execStdout}).
 */
@Component("videoProcess")
public class VideoProcess {

    private final VideoService videos;
    private final VideoProbe probe;
    private final Thumbnail thumbnail;
    private final HlsLadder ladder;
    private final MediaStore store;
    private final TaskTracker tracker;
    private final LeaseLockRepository videoLock;
    private final TaskSupervisor supervisor;
    private final VideoEvents events;
    private final TranscodeMetrics transcodeMetrics;

    VideoProcess(
            VideoService videos,
            VideoProbe probe,
            Thumbnail thumbnail,
            HlsLadder ladder,
            MediaStore store,
            TaskTracker tracker,
            @Qualifier("videoLock") LeaseLockRepository videoLock,
            TaskSupervisor supervisor,
            VideoEvents events,
            TranscodeMetrics transcodeMetrics) {
        this.videos = videos;
        this.probe = probe;
        this.thumbnail = thumbnail;
        this.ladder = ladder;
        this.store = store;
        this.tracker = tracker;
        this.videoLock = videoLock;
        this.supervisor = supervisor;
        this.events = events;
        this.transcodeMetrics = transcodeMetrics;
    }

    /** The video id from a {@code process_video(video_id)} message, as Django sends it. */
    public long videoId(@Body CeleryMessage message) {
        List<Object> args = message.args();
        Object first = args.isEmpty() ? message.kwargs().get("video_id") : args.get(0);
        if (first instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() > 0) {
            MDC.put("video_id", Long.toString(n.longValue()));
            return n.longValue();
        }
        if (first instanceof String s && s.matches("[1-9][0-9]{0,18}")) {
            MDC.put("video_id", s);
            return Long.parseLong(s);
        }
        throw new IllegalArgumentException(message.taskName() + " expects [video_id] (a positive integer), got args "
                + args + " kwargs " + message.kwargs().keySet());
    }

    /**
     * The video is locked by another running task, so this one does nothing. When the holder is this very task (a
     * redelivered copy), no result is written: the holder's result must not be pre-empted.
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

    /** PROCESSING; returns the stored original. */
    public Path start(@Variable("videoId") long videoId, @Variable("taskId") String taskId) {
        return videos.start(videoId, taskId);
    }

    /** The ffprobe arguments for the probe's exec step. */
    public List<String> probeCommand(@Variable("source") Path source) {
        return execArguments(probe.command(source));
    }

    /** Reads the probe's exec step and records what it found; a file that is not a video fails here. */
    public ProbeResult probed(@Variable("videoId") long videoId, @Body ExecResult exec) {
        FfmpegExecResult run = FfmpegExecResult.of(exec);
        ProbeResult result = probe.parse(run.stdoutText(), run.run());
        videos.probed(videoId, result);
        return result;
    }

    /** The ffmpeg arguments for the thumbnail's exec step. */
    public List<String> thumbnailCommand(
            @Variable("videoId") long videoId, @Variable("source") Path source, @Variable("probe") ProbeResult probed) {
        return execArguments(thumbnail.command(source, store.thumbnail(videoId), probed));
    }

    /** Checks the thumbnail's exec step wrote a picture; returns its path. */
    public Path thumbnailWritten(@Variable("videoId") long videoId, @Body ExecResult exec) {
        return thumbnail.verify(
                store.thumbnail(videoId), FfmpegExecResult.of(exec).run());
    }

    /**
     * The ffmpeg arguments for the ladder's exec step: every rendition in one process, its progress on stdout. Output
     * of an earlier attempt is removed first.
     */
    public List<String> transcodeCommand(
            @Variable("videoId") long videoId, @Variable("source") Path source, @Variable("probe") ProbeResult probed) {
        return execArguments(ladder.prepare(source, store.hlsDir(videoId), probed));
    }

    /**
     * The reader of the ladder's progress lines (variable {@code execStdout}): progress goes to the result backend as
     * PROGRESS and out as {@code progress} events, a few per second, never decreasing, 100 once verified.
     */
    public ProgressTracker transcodeProgress(
            @Variable("videoId") long videoId,
            @Variable("taskId") String taskId,
            @Variable("probe") ProbeResult probed) {
        return ladder.progress(probed, fraction -> {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("video_id", videoId);
            meta.put("stage", "transcode");
            meta.put("progress", Math.round(fraction * 1000) / 10.0);
            tracker.progress(taskId, meta);
            events.progress(videoId, taskId, fraction, probed.durationSeconds());
        });
    }

    /** Checks the ladder's exec step and reads the playlists it wrote; reports 100 % once they are verified. */
    public HlsOutput transcoded(
            @Variable("videoId") long videoId,
            @Variable("probe") ProbeResult probed,
            @Variable("execStdout") ProgressTracker progress,
            @Body ExecResult exec) {
        FfmpegExecResult run = FfmpegExecResult.of(exec);
        HlsOutput output = ladder.verify(store.hlsDir(videoId), probed, run.run());
        progress.finish();
        transcodeMetrics.transcoded(probed.durationSeconds(), run.run().elapsed());
        return output;
    }

    /** READY with the ladder; returns the task's result. */
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
     * Error handler: FAILED with the innermost readable reason, unless the task will run again (a retry or a hand-back
     * on shutdown), in which case the video stays PROCESSING with its outputs cleared.
     */
    public void failed(
            @Variable("videoId") Long videoId,
            @Variable("taskId") String taskId,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        Throwable cause = MediaException.readableCause(failure);
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
}
