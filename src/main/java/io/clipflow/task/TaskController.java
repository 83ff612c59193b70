package io.clipflow.task;

import io.clipflow.celery.CeleryResult;
import io.clipflow.security.ClipflowUser;
import io.clipflow.web.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A task's state from the result backend, as Celery's {@code AsyncResult} reports it: PENDING when nothing is stored
 * yet. Users see the tasks recorded as theirs; admins see any id, including tasks Python producers sent.
 */
@RestController
class TaskController {

    private final TaskTracker tracker;

    TaskController(TaskTracker tracker) {
        this.tracker = tracker;
    }

    @GetMapping("/api/tasks/{taskId}")
    Map<String, Object> get(@PathVariable String taskId, @AuthenticationPrincipal ClipflowUser user) {
        if (taskId.length() > 64 || !taskId.matches("[A-Za-z0-9_.:\\-]+")) {
            throw ApiException.notFound("task " + taskId);
        }
        if (!tracker.visibleTo(taskId, user)) {
            throw ApiException.notFound("task " + taskId);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", taskId);
        tracker.result(taskId)
                .ifPresentOrElse(
                        r -> {
                            body.put("state", r.status());
                            body.put("result", r.result());
                            body.put("info", info(r));
                            body.put("date_done", r.dateDone());
                        },
                        () -> {
                            body.put("state", "PENDING");
                            body.put("result", null);
                            body.put("info", null);
                            body.put("date_done", null);
                        });
        return body;
    }

    private static Object info(CeleryResult r) {
        if (r.excType() != null) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("exc_type", r.excType());
            info.put("exc_message", r.excMessage());
            return info;
        }
        return r.result();
    }
}
