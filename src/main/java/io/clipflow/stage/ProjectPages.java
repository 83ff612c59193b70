package io.clipflow.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.security.ClipflowUser;
import io.clipflow.web.PageActions;
import io.clipflow.web.PageNotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's AI story projects: the list with a new-project form, and a project's page with its stage timeline
 * (every attempt), the text of a running stage streaming in over {@code /ws/projects/<id>}, and the storyboard's shots
 * with their camera movements. Runs go through route stage-execute, as the API's do.
 */
@Controller
class ProjectPages {

    static final int PAGE_SIZE = 20;
    static final int MAX_TITLE = 200;
    static final int MAX_SOURCE = 100_000;

    /** A stage as the page shows it: its definition, its latest attempt and all of them, oldest first. */
    record StageView(
            String name,
            String displayName,
            String kind,
            String queue,
            String output,
            StageRun latest,
            List<StageRun> attempts,
            boolean busy,
            boolean configured) {

        public String state() {
            return latest == null ? "NOT_RUN" : latest.getState().name();
        }

        public String text() {
            return latest == null || latest.getOutputText() == null ? "" : latest.getOutputText();
        }
    }

    /** A storyboard shot, numbered from 1, with the camera stage's movement for it when that has run. */
    record Shot(int number, String scene, String narration, double duration, String movement) {}

    private final ProjectService projects;
    private final StageRuns runs;
    private final StageProperties stages;
    private final StageStarter starter;
    private final ObjectMapper json;

    ProjectPages(
            ProjectService projects, StageRuns runs, StageProperties stages, StageStarter starter, ObjectMapper json) {
        this.projects = projects;
        this.runs = runs;
        this.stages = stages;
        this.starter = starter;
        this.json = json;
    }

    @GetMapping("/ui/projects")
    String list(@RequestParam(defaultValue = "0") int page, @AuthenticationPrincipal ClipflowUser user, Model model) {
        int pageNumber = Math.max(0, Math.min(page, 100_000));
        Page<Project> result = projects.list(user.ownerScope(), pageNumber, PAGE_SIZE);
        model.addAttribute("projects", result.getContent());
        model.addAttribute("total", result.getTotalElements());
        model.addAttribute("page", pageNumber);
        model.addAttribute("pages", result.getTotalPages());
        return "projects";
    }

    @PostMapping("/ui/projects")
    String create(
            @RequestParam(defaultValue = "") String title,
            @RequestParam(name = "source_text", defaultValue = "") String sourceText,
            @AuthenticationPrincipal ClipflowUser user,
            RedirectAttributes flash) {
        String name = title.strip();
        String problem = name.isEmpty() || name.length() > MAX_TITLE
                ? "A project needs a title of 1 to " + MAX_TITLE + " characters."
                : name.chars().anyMatch(Character::isISOControl)
                        ? "A title is printable characters only."
                        : sourceText.length() > MAX_SOURCE
                                ? "The source text is at most " + MAX_SOURCE + " characters."
                                : null;
        if (problem != null) {
            flash.addFlashAttribute("problem", "Not created: " + problem);
            return "redirect:/ui/projects";
        }
        Project project = projects.create(user.id(), name, sourceText, "{}");
        flash.addFlashAttribute("notice", "Project created: run its first stage.");
        return "redirect:/ui/projects/" + project.getId();
    }

    @GetMapping("/ui/projects/{id}")
    String project(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user, Model model) {
        Project project = visible(id, user);
        List<StageRun> all = runs.ofProject(project.getId());
        model.addAttribute("project", project);
        model.addAttribute("stages", stageViews(all));
        model.addAttribute("shots", shots(all));
        return "project";
    }

    /** One stage's card, for the page's script to swap in when a run ends. */
    @GetMapping("/ui/projects/{id}/stages/{stage}")
    String stage(
            @PathVariable String id,
            @PathVariable String stage,
            @AuthenticationPrincipal ClipflowUser user,
            Model model) {
        Project project = visible(id, user);
        StageView view = stageViews(runs.ofProject(project.getId())).stream()
                .filter(s -> s.name().equals(stage))
                .findFirst()
                .orElseThrow(() -> new PageNotFoundException("stage " + stage));
        model.addAttribute("project", project);
        model.addAttribute("s", view);
        return "project :: stage";
    }

    /** The storyboard's shots, swapped in when the storyboard or camera stage ends. */
    @GetMapping("/ui/projects/{id}/shots")
    String shots(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user, Model model) {
        Project project = visible(id, user);
        model.addAttribute("shots", shots(runs.ofProject(project.getId())));
        return "project :: shots";
    }

    @PostMapping("/ui/projects/{id}/stages/{stage}/run")
    String run(
            @PathVariable String id,
            @PathVariable String stage,
            @AuthenticationPrincipal ClipflowUser user,
            RedirectAttributes flash) {
        Project project = visible(id, user);
        StageLaunch.Request request = new StageLaunch.Request(UUID.randomUUID().toString(), project, stage, Map.of());
        PageActions.run(
                flash,
                () -> flash.addFlashAttribute("notice", starter.start(request).get("message")));
        return "redirect:/ui/projects/" + project.getId();
    }

    @PostMapping("/ui/projects/{id}/delete")
    String delete(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user, RedirectAttributes flash) {
        if (!projects.delete(id, user.ownerScope())) {
            throw new PageNotFoundException("project " + id);
        }
        flash.addFlashAttribute("notice", "Project deleted.");
        return "redirect:/ui/projects";
    }

    private Project visible(String id, ClipflowUser user) {
        return projects.find(id, user.ownerScope()).orElseThrow(() -> new PageNotFoundException("project " + id));
    }

    /** The configured stages in configuration order, then any stage that ran but is no longer configured. */
    private List<StageView> stageViews(List<StageRun> all) {
        Map<String, List<StageRun>> byStage = new LinkedHashMap<>();
        for (StageRun run : all) {
            byStage.computeIfAbsent(run.getStage(), k -> new ArrayList<>()).add(run);
        }
        List<StageView> views = new ArrayList<>();
        stages.stages()
                .forEach((name, d) -> views.add(view(
                        name,
                        d.displayName(),
                        d.kind().name().toLowerCase(),
                        d.queue(),
                        d.output().name().toLowerCase(),
                        byStage.remove(name),
                        true)));
        byStage.forEach((name, attempts) -> views.add(view(name, name, "", "", "", attempts, false)));
        return views;
    }

    private static StageView view(
            String name,
            String displayName,
            String kind,
            String queue,
            String output,
            List<StageRun> attempts,
            boolean configured) {
        List<StageRun> list = attempts == null ? List.of() : attempts;
        // runs come oldest first: the last is the latest attempt
        StageRun latest = list.isEmpty() ? null : list.get(list.size() - 1);
        boolean busy = latest != null && !latest.getState().isFinal();
        return new StageView(name, displayName, kind, queue, output, latest, list, busy, configured);
    }

    /** The latest successful storyboard's shots, with the latest successful camera plan's movements. */
    private List<Shot> shots(List<StageRun> all) {
        JsonNode board = latestJson(all, StageOutput.STORYBOARD);
        if (board == null || !board.isArray()) {
            return List.of();
        }
        Map<Integer, String> movements = new HashMap<>();
        JsonNode camera = latestJson(all, StageOutput.CAMERA);
        if (camera != null && camera.isArray()) {
            for (int i = 0; i < camera.size(); i++) {
                JsonNode entry = camera.get(i);
                int shot = entry.path("shot").canConvertToInt()
                        ? entry.path("shot").asInt()
                        : i + 1;
                movements.putIfAbsent(shot, entry.path("movement").asText(""));
            }
        }
        List<Shot> shots = new ArrayList<>();
        for (int i = 0; i < board.size(); i++) {
            JsonNode s = board.get(i);
            shots.add(new Shot(
                    i + 1,
                    s.path("scene").asText(""),
                    s.path("narration").asText(""),
                    s.path("duration").asDouble(0),
                    movements.getOrDefault(i + 1, "")));
        }
        return shots;
    }

    private JsonNode latestJson(List<StageRun> all, StageOutput output) {
        Optional<StageRun> latest = all.stream()
                .filter(r -> r.getState() == StageRunState.SUCCEEDED && r.getOutputJson() != null)
                .filter(r ->
                        stages.find(r.getStage()).map(d -> d.output() == output).orElse(false))
                .max((a, b) -> finished(a).compareTo(finished(b)));
        if (latest.isEmpty()) {
            return null;
        }
        try {
            return json.readTree(latest.get().getOutputJson());
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Instant finished(StageRun r) {
        return r.getFinishedAt() == null ? r.getCreatedAt() : r.getFinishedAt();
    }
}
