package io.clipflow.ops;

import io.clipflow.security.ClipflowUser;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/tasks/{id}/revoke}, optionally {@code {"terminate": true}}: see {@link TaskRevocation}. */
@RestController
class TaskControlController {

    private final TaskRevocation revocation;

    TaskControlController(TaskRevocation revocation) {
        this.revocation = revocation;
    }

    record Revoke(Boolean terminate) {}

    @PostMapping("/api/tasks/{taskId}/revoke")
    ResponseEntity<Map<String, Object>> revoke(
            @PathVariable String taskId,
            @RequestBody(required = false) Revoke body,
            @AuthenticationPrincipal ClipflowUser user) {
        boolean terminate = body != null && Boolean.TRUE.equals(body.terminate());
        return ResponseEntity.accepted().body(revocation.revoke(taskId, terminate, user));
    }
}
