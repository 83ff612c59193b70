package io.clipflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.media.FfmpegRunner;
import io.clipflow.media.FfmpegTools;
import io.clipflow.media.HlsLadder;
import io.clipflow.media.MediaProperties;
import io.clipflow.media.ProbeResult;
import io.clipflow.media.Rendition;
import io.clipflow.media.Thumbnail;
import io.clipflow.media.VideoProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 4: a generated 1280x720 30 fps clip through a Clipflow node (upload → READY) against the same ffprobe,
 * thumbnail and ladder command lines run one after another by hand; and the one-process ladder against one ffmpeg per
 * rendition.
 */
final class Pipeline {

    private final Bench bench;
    private final MediaProperties media = MediaProperties.defaults();
    private final FfmpegRunner runner = new FfmpegRunner();
    private final FfmpegTools tools = new FfmpegTools(media, runner);
    private final VideoProbe probe = new VideoProbe(tools);
    private final Thumbnail thumbnail = new Thumbnail(tools, media);
    private final HlsLadder ladder = new HlsLadder(tools, media);

    Pipeline(Bench bench) {
        this.bench = bench;
    }

    void run() throws IOException {
        Path dir = Files.createDirectories(bench.work.resolve("pipeline"));
        Path clip = clip(dir);
        bench.results.environment.put("ffmpeg", tools.version());
        List<Double> bare = new ArrayList<>();
        List<Double> perRendition = new ArrayList<>();
        List<Double> singlePass = new ArrayList<>();
        List<Double> clipflow = new ArrayList<>();
        try (PrivateRedis redis = new PrivateRedis(dir)) {
            try (Proc node = bench.clipflow("clipflow-pipeline", redis, List.of("run"))) {
                String base = "http://127.0.0.1:" + Bench.port(node);
                upload(base, clip, redis); // warm-up: first request, class loading, JIT of the upload path
                for (int i = 0; i < bench.reps; i++) {
                    // alternate, so a slow minute on the machine hurts both sides alike
                    clipflow.add(upload(base, clip, redis));
                    double[] parts = bare(clip, dir.resolve("bare-" + i));
                    bare.add(parts[0]);
                    singlePass.add(parts[1]);
                    perRendition.add(perRendition(clip, dir.resolve("per-rendition-" + i)));
                }
            }
        }
        String what = String.format("1280x720 30 fps %d s clip", bench.clipSeconds);
        bench.results.addReference("pipeline", "Clipflow", "upload → READY, " + what, "s", clipflow, false);
        bench.results.add("pipeline", "plain ffmpeg", "ffprobe + thumbnail + ladder run by hand", "s", bare, false);
        bench.results.addReference("ladder", "Clipflow ladder", "one ffmpeg, split + 3 encodes", "s", singlePass, false);
        bench.results.add("ladder", "per-rendition ladder", "3 ffmpeg runs one after another", "s", perRendition, false);
    }

    private Path clip(Path dir) {
        Path out = dir.resolve("clip.mp4");
        String d = Integer.toString(bench.clipSeconds);
        Proc.run(
                List.of(
                        tools.ffmpegPath(), "-nostdin", "-hide_banner", "-v", "error", "-y",
                        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=" + d,
                        "-f", "lavfi", "-i", "sine=frequency=440:duration=" + d,
                        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                        out.toString()),
                dir,
                Map.of(),
                Duration.ofMinutes(5));
        return out;
    }

    /**
     * Seconds from the upload's 202 to its task's result arriving on the result's pub/sub channel (what
     * {@code AsyncResult.get()} waits on; stored once the video is READY), then checked READY through the API. Waiting
     * on pub/sub instead of polling the API keeps the measurement from taking CPU away from ffmpeg (polling every
     * 20 ms cost ffmpeg about 20% of its speed on 2 cores).
     */
    private double upload(String base, Path clip, PrivateRedis redis) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        String boundary = "bench" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\n"
                        + "Content-Type: video/mp4\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] file = Files.readAllBytes(clip);
        byte[] body = new byte[head.length + file.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(file, 0, body, head.length, file.length);
        System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
        ObjectMapper json = new ObjectMapper();
        var results = new java.util.concurrent.LinkedBlockingQueue<String>();
        var sub = redis.client.connectPubSub();
        sub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<String, String>() {
            @Override
            public void message(String pattern, String channel, String message) {
                results.add(message);
            }
        });
        // every task result: the task id is known only from the 202, which may come after a fast task ended
        sub.sync().psubscribe("celery-task-meta-*");
        try {
            HttpResponse<String> res = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/videos"))
                            .header("Authorization", "Bearer " + Bench.adminToken())
                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            long accepted = System.nanoTime();
            if (res.statusCode() != 202) {
                throw new IllegalStateException("upload: " + res.statusCode() + " " + res.body());
            }
            JsonNode reply = json.readTree(res.body());
            long id = reply.path("video").path("id").asLong();
            String taskId = reply.path("task_id").asText();
            if (id <= 0 || taskId.isEmpty()) {
                throw new IllegalStateException("upload: no video id or task id in " + res.body());
            }
            while (true) {
                String message = results.poll(600, java.util.concurrent.TimeUnit.SECONDS);
                if (message == null) {
                    throw new IllegalStateException("video " + id + ": no result for task " + taskId + " in 600 s");
                }
                JsonNode result = json.readTree(message);
                String state = result.path("status").asText();
                if (!result.path("task_id").asText().equals(taskId) || !(state.equals("SUCCESS") || state.equals("FAILURE"))) {
                    continue; // another task's result, or this one's PROGRESS
                }
                double seconds = (System.nanoTime() - accepted) / 1e9;
                JsonNode video = json.readTree(http.send(
                                HttpRequest.newBuilder(URI.create(base + "/api/videos/" + id))
                                        .header("Authorization", "Bearer " + Bench.adminToken())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                if (!video.path("status").asText().equals("READY")) {
                    throw new IllegalStateException("video " + id + " did not become READY: " + video);
                }
                return seconds;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            sub.close();
        }
    }

    /** The node's own three command lines, run one after another: {total seconds, ladder seconds}. */
    private double[] bare(Path clip, Path out) throws IOException {
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        String probeJson = Proc.run(probe.command(clip), out, Map.of(), Duration.ofMinutes(5));
        ProbeResult probed = probe.parse(probeJson, 0, "");
        Proc.run(thumbnail.command(clip, out.resolve("thumbnail.jpg"), probed), out, Map.of(), Duration.ofMinutes(5));
        long t1 = System.nanoTime();
        Path hls = Files.createDirectories(out.resolve("hls"));
        Proc.run(ladder.command(clip, hls, probed, ladder.plan(probed)), out, Map.of(), Duration.ofMinutes(30));
        long t2 = System.nanoTime();
        return new double[] {(t2 - t0) / 1e9, (t2 - t1) / 1e9};
    }

    /** The seeds' way: one ffmpeg per rendition (decoding the source each time), the same encoder settings. */
    private double perRendition(Path clip, Path out) throws IOException {
        ProbeResult probed =
                probe.parse(Proc.run(probe.command(clip), out, Map.of(), Duration.ofMinutes(5)), 0, "");
        long t0 = System.nanoTime();
        for (Rendition r : ladder.plan(probed)) {
            Path dir = Files.createDirectories(out.resolve(r.name()));
            long gop = Math.round(probed.frameRate() * media.segmentDuration().toSeconds());
            List<String> argv = new ArrayList<>(List.of(
                    tools.ffmpegPath(), "-nostdin", "-hide_banner", "-v", "error", "-i", clip.toString(),
                    "-vf", "scale=%d:%d,setsar=1,format=yuv420p".formatted(r.width(), r.height()),
                    "-c:v", "libx264", "-preset", media.preset(), "-profile:v", "main",
                    "-g", Long.toString(gop), "-keyint_min", Long.toString(gop), "-sc_threshold", "0",
                    "-force_key_frames", "expr:gte(t,n_forced*" + media.segmentDuration().toSeconds() + ")",
                    "-b:v", r.videoBitrateKbps() + "k",
                    "-maxrate", Math.round(r.videoBitrateKbps() * 1.07) + "k",
                    "-bufsize", Math.round(r.videoBitrateKbps() * 1.5) + "k"));
            if (probed.hasAudio()) {
                argv.addAll(List.of("-c:a", "aac", "-ac", "2", "-b:a", r.audioBitrateKbps() + "k"));
            }
            argv.addAll(List.of(
                    "-f", "hls", "-hls_time", Long.toString(media.segmentDuration().toSeconds()),
                    "-hls_playlist_type", "vod",
                    "-hls_segment_filename", dir.resolve("seg_%05d.ts").toString(),
                    dir.resolve("index.m3u8").toString()));
            Proc.run(argv, out, Map.of(), Duration.ofMinutes(30));
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
