package io.clipflow.video;

import io.clipflow.security.ClipflowUser;
import io.clipflow.security.MediaUrlSigner;
import io.clipflow.web.PageNotFoundException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.data.domain.Page;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's video library: a grid of the user's videos (an admin's: everyone's) with title search and a status
 * filter, the upload zone, and one card at a time for the page's script to refresh when an event says a video changed.
 * Uploads go to {@code POST /ui/videos} (UploadController), live status comes over {@code /ws/users/me}.
 */
@Controller
class VideoPages {

    static final int PAGE_SIZE = 24;

    /** What a card shows; the thumbnail is a signed media URL, present once the video is READY. */
    record Card(
            long id,
            String title,
            String status,
            String duration,
            String resolution,
            String thumbnailUrl,
            boolean busy) {}

    private final VideoService videos;
    private final MediaUrlSigner signer;
    private final VideoTimeline timeline;

    VideoPages(VideoService videos, MediaUrlSigner signer, VideoTimeline timeline) {
        this.videos = videos;
        this.signer = signer;
        this.timeline = timeline;
    }

    @GetMapping("/ui/videos")
    String library(
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") int page,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            @AuthenticationPrincipal ClipflowUser user,
            Model model) {
        String query = q == null
                ? ""
                : q.codePoints()
                        .filter(c -> !Character.isISOControl(c))
                        .limit(200)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                        .toString();
        VideoStatus filter = statusOrNull(status);
        int pageNumber = Math.max(0, Math.min(page, 100_000));
        Page<Video> result = videos.search(user.ownerScope(), query, filter, pageNumber, PAGE_SIZE);
        model.addAttribute("cards", result.getContent().stream().map(this::card).toList());
        model.addAttribute("total", result.getTotalElements());
        model.addAttribute("page", pageNumber);
        model.addAttribute("pages", result.getTotalPages());
        model.addAttribute("q", query);
        model.addAttribute("status", filter == null ? "" : filter.name());
        model.addAttribute("statuses", statuses());
        return htmx != null ? "videos :: results" : "videos";
    }

    /** The video page: player, renditions, probe data, the task timeline, delete. */
    @GetMapping("/ui/videos/{id}")
    String video(@PathVariable long id, @AuthenticationPrincipal ClipflowUser user, Model model) {
        Video video = videos.find(id, user.ownerScope()).orElseThrow(() -> new PageNotFoundException("video " + id));
        boolean ready = video.getStatus() == VideoStatus.READY && video.getMasterPlaylistPath() != null;
        model.addAttribute("v", card(video));
        model.addAttribute("video", video);
        model.addAttribute("renditions", video.getRenditions());
        model.addAttribute("hlsUrl", ready ? signer.sign(id, "hls/master.m3u8") : null);
        model.addAttribute("timeline", timeline.of(id));
        return "video";
    }

    @PostMapping("/ui/videos/{id}/delete")
    String delete(@PathVariable long id, @AuthenticationPrincipal ClipflowUser user) {
        if (!videos.delete(id, user.ownerScope())) {
            throw new PageNotFoundException("video " + id);
        }
        return "redirect:/ui/videos";
    }

    @GetMapping("/ui/videos/{id}/card")
    String card(@PathVariable long id, @AuthenticationPrincipal ClipflowUser user, Model model) {
        Video video = videos.find(id, user.ownerScope()).orElseThrow(() -> new PageNotFoundException("video " + id));
        model.addAttribute("v", card(video));
        return "video-card :: card";
    }

    private Card card(Video v) {
        boolean ready = v.getStatus() == VideoStatus.READY;
        String title = v.getTitle() != null && !v.getTitle().isBlank() ? v.getTitle() : v.getOriginalName();
        return new Card(
                v.getId(),
                title == null ? "video " + v.getId() : title,
                v.getStatus().name(),
                duration(v.getDurationSeconds()),
                v.getWidth() == null ? "" : v.getWidth() + "×" + v.getHeight(),
                ready && v.getThumbnailPath() != null ? signer.sign(v.getId(), "thumbnail.jpg") : null,
                v.getStatus() == VideoStatus.QUEUED || v.getStatus() == VideoStatus.PROCESSING);
    }

    static String duration(Double seconds) {
        if (seconds == null) {
            return "";
        }
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static VideoStatus statusOrNull(String status) {
        return statuses().stream()
                .filter(s -> s.equalsIgnoreCase(status == null ? "" : status.strip()))
                .findFirst()
                .map(VideoStatus::valueOf)
                .orElse(null);
    }

    private static List<String> statuses() {
        return Arrays.stream(VideoStatus.values())
                .filter(s -> s != VideoStatus.DELETED)
                .map(Enum::name)
                .toList();
    }
}
