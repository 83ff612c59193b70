package io.clipflow.video;

import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/** The steps of route video-upload: register the staged file, record the task, reply 202; the YAML orders them. */
@Component("videoUpload")
public class VideoUpload {

    private final VideoService videos;
    private final VideoProperties properties;

    VideoUpload(VideoService videos, VideoProperties properties) {
        this.videos = videos;
        this.properties = properties;
    }

    /** The row (UPLOADED) with the staged file moved into the video's folder; returns the video id. */
    public long register(@Body UploadedFile upload) {
        return videos.register(upload).getId();
    }

    /** The processing task for the video, with its id chosen now so it can be recorded first, owned by the uploader. */
    public TaskCall processVideoCall(@Variable("videoId") long videoId, @Body UploadedFile upload) {
        return new TaskCall(
                UUID.randomUUID().toString(),
                properties.task(),
                List.of(videoId),
                Map.of(),
                TaskOptions.none(),
                upload.ownerId());
    }

    /** QUEUED and the task's history row, committed before the message is published. */
    public void queued(@Variable("videoId") long videoId, @Body TaskCall call) {
        videos.queued(videoId, call);
    }

    /** The 202 reply. */
    public Map<String, Object> uploadReply(@Variable("videoId") long videoId, @Body String taskId) {
        Video video = videos.get(videoId);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("id", video.getId());
        summary.put("status", video.getStatus().name());
        summary.put("title", video.getTitle());
        return Map.of("video", summary, "task_id", taskId);
    }
}
