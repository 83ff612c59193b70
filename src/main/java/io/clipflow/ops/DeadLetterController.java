package io.clipflow.ops;

import io.clipflow.security.ClipflowUser;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/dead-letters}: list, replay and delete, see {@link DeadLetterBox}. */
@RestController
class DeadLetterController {

    private final DeadLetterBox box;

    DeadLetterController(DeadLetterBox box) {
        this.box = box;
    }

    @GetMapping("/api/dead-letters")
    Map<String, Object> list(@RequestParam(required = false) String queue, @AuthenticationPrincipal ClipflowUser user) {
        List<?> items = box.list(queue, user);
        return Map.of("items", items, "total", items.size());
    }

    @PostMapping("/api/dead-letters/{id}/replay")
    ResponseEntity<Map<String, Object>> replay(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user) {
        return ResponseEntity.accepted().body(box.replay(id, user));
    }

    @DeleteMapping("/api/dead-letters/{id}")
    ResponseEntity<Void> delete(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user) {
        box.delete(id, user);
        return ResponseEntity.noContent().build();
    }
}
