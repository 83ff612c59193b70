package io.clipflow.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryResult;
import io.clipflow.celery.TaskOptions;
import io.clipflow.queue.TaskRegistry;
import io.clipflow.security.ClipflowUser;
import io.clipflow.task.TaskCallInfo;
import io.clipflow.task.TaskRecord;
import io.clipflow.task.TaskSearch;
import io.clipflow.task.TaskState;
import io.clipflow.task.TaskTracker;
import io.clipflow.web.ApiException;
import io.clipflow.web.PageActions;
import io.clipflow.web.PageNotFoundException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's tasks: the durable history, searchable and keyset-paged ({@link TaskSearch}); a task's page with its
 * kept arguments, result, traceback and workflow links; revoke, terminate, retry with the kept arguments, and send a
 * task by name. Users see and act on their own tasks, admins on everyone's; the services check, not the buttons.
 */
@Controller
class TaskPages {

    /** The most of one JSON value shown on a page; the whole value is a download. */
    static final int SHOWN_CHARS = 8 * 1024;

    static final int PAGE_SIZE = 50;

    private final TaskSearch search;
    private final TaskTracker tracker;
    private final TaskRevocation revocation;
    private final TaskSender sender;
    private final TaskRegistry registry;
    private final ObjectMapper json;

    TaskPages(
            TaskSearch search,
            TaskTracker tracker,
            TaskRevocation revocation,
            TaskSender sender,
            TaskRegistry registry,
            ObjectMapper json) {
        this.search = search;
        this.tracker = tracker;
        this.revocation = revocation;
        this.sender = sender;
        this.registry = registry;
        this.json = json;
    }

    @GetMapping("/ui/tasks")
    String list(
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String queue,
            @RequestParam(required = false) String worker,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String id,
            @RequestParam(required = false) String args,
            @RequestParam(required = false) String after,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            @AuthenticationPrincipal ClipflowUser user,
            Model model) {
        TaskState wanted = Arrays.stream(TaskState.values())
                .filter(s -> s.name().equalsIgnoreCase(state == null ? "" : state.strip()))
                .findFirst()
                .orElse(null);
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("name", bounded(name, 255));
        filters.put("state", wanted == null ? "" : wanted.name());
        filters.put("queue", bounded(queue, 255));
        filters.put("worker", bounded(worker, 255));
        filters.put("from", bounded(from, 20));
        filters.put("to", bounded(to, 20));
        filters.put("id", bounded(id, 64));
        filters.put("args", bounded(args, 200));
        TaskSearch.Page page = search.search(new TaskSearch.Query(
                filters.get("name"),
                wanted,
                filters.get("queue"),
                filters.get("worker"),
                time(filters.get("from")),
                time(filters.get("to")),
                filters.get("id"),
                filters.get("args"),
                user.ownerScope(),
                bounded(after, 200),
                PAGE_SIZE));
        model.addAttribute("rows", page.rows());
        model.addAttribute("next", page.next());
        model.addAttribute("first", after == null || after.isBlank());
        model.addAttribute("filters", filters);
        model.addAttribute(
                "states", Arrays.stream(TaskState.values()).map(Enum::name).toList());
        model.addAttribute("taskNames", new TreeSet<>(registry.all().keySet()));
        return htmx != null ? "tasks :: results" : "tasks";
    }

    @GetMapping("/ui/tasks/{id}")
    String task(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user, Model model) {
        visible(id, user);
        Optional<TaskRecord> record = tracker.find(id);
        Optional<TaskCallInfo> call = tracker.call(id);
        Optional<CeleryResult> result = tracker.result(id);
        model.addAttribute("taskId", id);
        model.addAttribute("record", record.orElse(null));
        model.addAttribute("call", call.orElse(null));
        model.addAttribute("args", call.map(c -> shown(pretty(c.argsJson()))).orElse(null));
        model.addAttribute(
                "kwargs", call.map(c -> shown(pretty(c.kwargsJson()))).orElse(null));
        model.addAttribute(
                "argsCut",
                call.map(c -> cut(pretty(c.argsJson())) || cut(pretty(c.kwargsJson())))
                        .orElse(false));
        model.addAttribute(
                "state",
                result.map(CeleryResult::status)
                        .orElse(record.map(r -> r.getState().name()).orElse("PENDING")));
        model.addAttribute("result", result.map(r -> shown(pretty(r.result()))).orElse(null));
        model.addAttribute("resultCut", result.map(r -> cut(pretty(r.result()))).orElse(false));
        model.addAttribute(
                "traceback",
                result.map(CeleryResult::traceback).map(TaskPages::shown).orElse(null));
        model.addAttribute("children", tracker.children(id));
        TaskState live = result.map(r -> TaskRevocation.liveState(r.status()))
                .orElse(record.map(TaskRecord::getState).orElse(TaskState.PENDING));
        model.addAttribute("revocable", !live.isReady());
        model.addAttribute(
                "retryable",
                record.map(r -> r.getState() == TaskState.FAILURE || r.getState() == TaskState.REVOKED)
                                .orElse(false)
                        && call.map(c -> !c.tooLarge()).orElse(false));
        return "task";
    }

    /** The whole kept call and result of a task as a JSON download (the page shows at most {@link #SHOWN_CHARS}). */
    @GetMapping(path = "/ui/tasks/{id}/download.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> download(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user) {
        visible(id, user);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", id);
        tracker.call(id).ifPresent(c -> {
            body.put("args", tree(c.argsJson()));
            body.put("kwargs", tree(c.kwargsJson()));
        });
        tracker.result(id).ifPresent(r -> {
            body.put("state", r.status());
            body.put("result", r.result());
            body.put("traceback", r.traceback());
        });
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"task-" + id + ".json\"")
                .body(body);
    }

    @PostMapping("/ui/tasks/{id}/revoke")
    String revoke(
            @PathVariable String id,
            @RequestParam(defaultValue = "false") boolean terminate,
            @AuthenticationPrincipal ClipflowUser user,
            RedirectAttributes flash) {
        visible(id, user);
        PageActions.run(flash, () -> {
            revocation.revoke(id, terminate, user);
            flash.addFlashAttribute("notice", terminate ? "Terminated: the task is being stopped." : "Revoked.");
        });
        return "redirect:/ui/tasks/" + id;
    }

    @PostMapping("/ui/tasks/{id}/retry")
    String retry(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user, RedirectAttributes flash) {
        visible(id, user);
        String[] sent = {null};
        PageActions.run(flash, () -> sent[0] = sender.retry(id, user).taskId());
        if (sent[0] == null) {
            return "redirect:/ui/tasks/" + id;
        }
        flash.addFlashAttribute("notice", "Sent again with the same arguments, as a new task.");
        return "redirect:/ui/tasks/" + sent[0];
    }

    @PostMapping("/ui/tasks/send")
    String send(
            @RequestParam String task,
            @RequestParam(defaultValue = "[]") String args,
            @RequestParam(defaultValue = "{}") String kwargs,
            @RequestParam(required = false) String queue,
            @AuthenticationPrincipal ClipflowUser user,
            RedirectAttributes flash) {
        String[] sent = {null};
        PageActions.run(flash, () -> {
            List<Object> a = parse(args.isBlank() ? "[]" : args, new TypeReference<List<Object>>() {}, "args");
            Map<String, Object> k =
                    parse(kwargs.isBlank() ? "{}" : kwargs, new TypeReference<Map<String, Object>>() {}, "kwargs");
            if (task.isBlank() || task.length() > 255) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "name the task to send");
            }
            var body = new TaskSendController.SendTask(
                    task.strip(),
                    a,
                    k,
                    queue == null || queue.isBlank() ? null : queue.strip(),
                    null,
                    null,
                    null,
                    null);
            CeleryMessage message = sender.send(body, TaskOptions.none(), user);
            sent[0] = message.taskId();
        });
        if (sent[0] == null) {
            return "redirect:/ui/tasks";
        }
        flash.addFlashAttribute("notice", "Sent.");
        return "redirect:/ui/tasks/" + sent[0];
    }

    private void visible(String id, ClipflowUser user) {
        if (id.length() > 64 || !id.matches("[A-Za-z0-9_.:\\-]+") || !tracker.visibleTo(id, user)) {
            throw new PageNotFoundException("task " + id);
        }
    }

    private <T> T parse(String text, TypeReference<T> type, String what) {
        try {
            if (text.length() > TaskCallInfo.MAX_JSON) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", what + " is too long");
            }
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "bad request",
                    what + " must be JSON ("
                            + ("args".equals(what) ? "a list, e.g. [1, \"a\"]" : "an object, e.g. {\"k\": 1}") + ")");
        }
    }

    private JsonNode tree(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private String pretty(String text) {
        JsonNode node = tree(text);
        return node == null ? text : pretty(node);
    }

    private String pretty(JsonNode node) {
        try {
            return node == null ? null : json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }

    private static boolean cut(String text) {
        return text != null && text.length() > SHOWN_CHARS;
    }

    private static String shown(String text) {
        return text == null ? null : cut(text) ? text.substring(0, SHOWN_CHARS) + "\n…" : text;
    }

    private static String bounded(String value, int max) {
        if (value == null) {
            return "";
        }
        String s = value.strip();
        return s.length() > max ? s.substring(0, max) : s;
    }

    /** A {@code datetime-local} value (UTC), or null when blank or not a time. */
    private static Instant time(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
