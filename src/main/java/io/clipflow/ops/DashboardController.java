package io.clipflow.ops;

import io.clipflow.security.ClipflowUser;
import io.clipflow.task.TaskTracker;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The dashboard's overview page and the status line every page refreshes (the dashboard security chain signs in). */
@Controller
class DashboardController {

    private final QueueInspector queues;
    private final TaskTracker tracker;
    private final StatusLine status;

    DashboardController(QueueInspector queues, TaskTracker tracker, StatusLine status) {
        this.queues = queues;
        this.tracker = tracker;
        this.status = status;
    }

    @GetMapping("/")
    String root() {
        return "redirect:/ui";
    }

    @GetMapping("/ui")
    String overview(@AuthenticationPrincipal ClipflowUser user, Model model) {
        model.addAttribute("user", user);
        if (user.seesEverything()) {
            model.addAttribute("queues", queues.queues());
            model.addAttribute("workers", queues.workers());
            model.addAttribute("stats", tracker.stats());
        }
        return "overview";
    }

    @GetMapping("/ui/status")
    String status(Model model) {
        model.addAttribute("parts", status.now());
        return "layout :: status-line";
    }
}
