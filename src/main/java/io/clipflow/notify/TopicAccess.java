package io.clipflow.notify;

import io.clipflow.security.ClipflowUser;
import io.clipflow.task.TaskTracker;
import io.clipflow.video.VideoService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Who may read which topic: users their own videos, tasks and user channel; admins everything. There is no project
 * entity yet, so {@code project.*} topics are admin-only: when projects get owners, this is the one place to change.
 */
@Component
class TopicAccess {

    private static final Pattern TOPIC = Pattern.compile(
            "(video|user)\\.([1-9][0-9]{0,17})|task\\.([A-Za-z0-9_:\\-]{1,64})|project\\.([A-Za-z0-9_\\-]{1,64})(\\.stage\\.[A-Za-z0-9_\\-]{1,64})?");

    private final VideoService videos;
    private final TaskTracker tasks;

    TopicAccess(VideoService videos, TaskTracker tasks) {
        this.videos = videos;
        this.tasks = tasks;
    }

    static boolean isTopic(String topic) {
        return topic != null && TOPIC.matcher(topic).matches();
    }

    /** False for malformed topics, topics of things that do not exist, and other users' things. */
    boolean mayRead(ClipflowUser user, String topic) {
        if (user == null || topic == null) {
            return false;
        }
        Matcher m = TOPIC.matcher(topic);
        if (!m.matches()) {
            return false;
        }
        if ("video".equals(m.group(1))) {
            return videos.find(Long.parseLong(m.group(2)), user.ownerScope()).isPresent();
        }
        if ("user".equals(m.group(1))) {
            return user.isAdmin() || Long.parseLong(m.group(2)) == user.id();
        }
        if (m.group(3) != null) {
            return tasks.find(m.group(3))
                    .map(t -> user.isAdmin() || Long.valueOf(user.id()).equals(t.getOwnerId()))
                    .orElse(user.isAdmin());
        }
        return user.isAdmin();
    }
}
