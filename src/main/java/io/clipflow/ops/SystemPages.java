package io.clipflow.ops;

import io.clipflow.schedule.ScheduleRuns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's workers, schedules and routes (ADMIN): nodes with roles, threads per queue, running tasks, heartbeat
 * age and memory; each Quartz trigger with its cron, previous and next fire, the recent runs and "run now"; each
 * Camel route with its status, exchanges and failures on this node, last reload, and its YAML file, read-only.
 */
@Controller
class SystemPages {

    /** A route as the page lists it. */
    record RouteRow(
            String id,
            String status,
            String source,
            long completed,
            long failed,
            Instant lastFailure,
            Instant lastReload,
            long uptimeSeconds) {}

    /** A Quartz trigger as the page lists it; {@code job} is the trigger's name (pending-scan, cleanup, ...). */
    record ScheduleRow(
            String group, String job, String cron, Instant previous, Instant next, List<ScheduleRuns.Run> runs) {}

    private final QueueInspector queues;
    private final CamelContext camel;
    private final Scheduler scheduler;
    private final ScheduleRuns runs;
    private final RouteStats stats;
    private final Path routesDir;

    SystemPages(
            QueueInspector queues,
            CamelContext camel,
            Scheduler scheduler,
            ScheduleRuns runs,
            RouteStats stats,
            @Value("${clipflow.routes-dir}") String routesDir) {
        this.queues = queues;
        this.camel = camel;
        this.scheduler = scheduler;
        this.runs = runs;
        this.stats = stats;
        this.routesDir = Path.of(routesDir).toAbsolutePath().normalize();
    }

    @GetMapping("/ui/workers")
    String workers(Model model) throws SchedulerException {
        model.addAttribute("workers", queues.workers());
        model.addAttribute("schedules", schedules());
        model.addAttribute("schedulerRunning", scheduler.isStarted() && !scheduler.isInStandbyMode());
        return "workers";
    }

    @PostMapping("/ui/schedules/{group}/{name}/run")
    String runNow(@PathVariable String group, @PathVariable String name, RedirectAttributes flash)
            throws SchedulerException {
        Trigger trigger = scheduler.getTrigger(TriggerKey.triggerKey(name, group));
        if (trigger == null) {
            flash.addFlashAttribute("problem", "No schedule " + group + "/" + name + ".");
        } else {
            scheduler.triggerJob(trigger.getJobKey());
            flash.addFlashAttribute("notice", "Started " + name + " now; its run shows below in a moment.");
        }
        return "redirect:/ui/workers";
    }

    @GetMapping("/ui/routes")
    String routes(Model model) {
        List<RouteRow> rows = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            RouteStats.Counts c = stats.of(route.getRouteId());
            rows.add(new RouteRow(
                    route.getRouteId(),
                    camel.getRouteController()
                            .getRouteStatus(route.getRouteId())
                            .name(),
                    fileOf(route),
                    c.completed.sum(),
                    c.failed.sum(),
                    c.lastFailure,
                    c.lastReload,
                    route.getUptimeMillis() / 1000));
        }
        rows.sort(Comparator.comparing(RouteRow::id));
        model.addAttribute("routes", rows);
        model.addAttribute("routesDir", routesDir.toString());
        return "routes";
    }

    /** A route file's YAML, read-only: only a {@code *.camel.yaml} directly in the routes folder. */
    @GetMapping("/ui/routes/files/{file}")
    String file(@PathVariable String file, Model model) throws IOException {
        Path path = routesDir.resolve(file).normalize();
        if (!file.matches("[A-Za-z0-9_.-]+\\.camel\\.yaml")
                || !routesDir.equals(path.getParent())
                || !Files.isRegularFile(path)) {
            throw new io.clipflow.web.PageNotFoundException("route file " + file);
        }
        model.addAttribute("file", file);
        model.addAttribute("yaml", Files.readString(path, StandardCharsets.UTF_8));
        model.addAttribute("modified", Files.getLastModifiedTime(path).toInstant());
        return "route-file";
    }

    private List<ScheduleRow> schedules() throws SchedulerException {
        List<ScheduleRow> rows = new ArrayList<>();
        for (String group : scheduler.getTriggerGroupNames()) {
            for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(group))) {
                Trigger t = scheduler.getTrigger(key);
                if (t == null) {
                    continue;
                }
                rows.add(new ScheduleRow(
                        group,
                        key.getName(),
                        t instanceof CronTrigger cron ? cron.getCronExpression() : "",
                        t.getPreviousFireTime() == null
                                ? null
                                : t.getPreviousFireTime().toInstant(),
                        t.getNextFireTime() == null ? null : t.getNextFireTime().toInstant(),
                        lastRuns(key.getName())));
            }
        }
        rows.sort(Comparator.comparing(ScheduleRow::job));
        return rows;
    }

    private List<ScheduleRuns.Run> lastRuns(String job) {
        List<ScheduleRuns.Run> all = new ArrayList<>(runs.runs(job));
        java.util.Collections.reverse(all);
        return all.size() > 5 ? all.subList(0, 5) : all;
    }

    /**
     * The route's file in the routes folder: where Camel says it came from, or else (no source locations recorded)
     * the file whose base name the route's id starts with, as the routes' naming convention has it.
     */
    private String fileOf(Route route) {
        String location = route.getSourceLocation();
        if (location != null) {
            Path p = Path.of(location.replaceFirst("^(file|classpath):", "").replaceFirst(":\\d+$", ""))
                    .getFileName();
            if (p != null) {
                return p.toString();
            }
        }
        try (var files = Files.list(routesDir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".camel.yaml"))
                    .filter(f -> route.getRouteId().startsWith(f.substring(0, f.length() - ".camel.yaml".length())))
                    .max(Comparator.comparingInt(String::length))
                    .orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
