package io.clipflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.schedule.MonitoringSnapshot;
import io.clipflow.security.ClipflowUser;
import io.clipflow.web.ApiException;
import io.clipflow.web.PageNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's queues (ADMIN, see SecurityConfig): depth by priority, delayed, processing, dead and the oldest
 * pending message's age per queue; throughput, failure and depth charts over the last hour or day from the
 * monitoring series; purge, which needs the queue's name typed again; the dead letters with replay, delete and
 * replay all.
 */
@Controller
class QueuePages {

    private final QueueInspector queues;
    private final DeadLetterBox deadLetters;
    private final MonitoringSnapshot monitoring;

    QueuePages(QueueInspector queues, DeadLetterBox deadLetters, MonitoringSnapshot monitoring) {
        this.queues = queues;
        this.deadLetters = deadLetters;
        this.monitoring = monitoring;
    }

    @GetMapping("/ui/queues")
    String queues(@AuthenticationPrincipal ClipflowUser user, Model model) {
        model.addAttribute("queues", queues.queues());
        List<JsonNode> dead = deadLetters.list(null, user);
        model.addAttribute("deadLetters", dead.size() > 200 ? dead.subList(0, 200) : dead);
        model.addAttribute("deadTotal", dead.size());
        return "queues";
    }

    /** The chart data: one point a minute (tasks ended by outcome, queue depths), {@code range} hour or day. */
    @GetMapping(path = "/ui/queues/series.json", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> series(@RequestParam(defaultValue = "hour") String range) {
        Duration span = "day".equals(range) ? Duration.ofDays(1) : Duration.ofHours(1);
        return Map.of("range", "day".equals(range) ? "day" : "hour", "points", monitoring.series(span));
    }

    @PostMapping("/ui/queues/{queue}/purge")
    String purge(
            @PathVariable String queue,
            @RequestParam(defaultValue = "") String confirm,
            @RequestParam(defaultValue = "false") boolean dead,
            RedirectAttributes flash) {
        if (!queues.names().contains(queue)) {
            throw new PageNotFoundException("queue " + queue);
        }
        if (!confirm.equals(queue)) {
            flash.addFlashAttribute("problem", "Not purged: type the queue's name, " + queue + ", to confirm.");
            return "redirect:/ui/queues";
        }
        Map<String, Object> purged = queues.purge(queue, dead);
        flash.addFlashAttribute("notice", "Purged " + queue + ": " + purged.get("removed") + " message(s) removed.");
        return "redirect:/ui/queues";
    }

    @PostMapping("/ui/dead-letters/{id}/replay")
    String replay(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user, RedirectAttributes flash) {
        try {
            Map<String, Object> replayed = deadLetters.replay(id, user);
            flash.addFlashAttribute("notice", "Replayed onto " + replayed.get("queue") + ".");
        } catch (ApiException e) {
            flash.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/ui/queues";
    }

    @PostMapping("/ui/dead-letters/{id}/delete")
    String delete(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user, RedirectAttributes flash) {
        try {
            deadLetters.delete(id, user);
            flash.addFlashAttribute("notice", "Dead letter deleted.");
        } catch (ApiException e) {
            flash.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/ui/queues";
    }

    @PostMapping("/ui/queues/{queue}/replay-dead")
    String replayAll(@PathVariable String queue, @AuthenticationPrincipal ClipflowUser user, RedirectAttributes flash) {
        int n = deadLetters.replayAll(queue, user);
        flash.addFlashAttribute("notice", "Replayed " + n + " dead letter(s) onto " + queue + ".");
        return "redirect:/ui/queues";
    }
}
