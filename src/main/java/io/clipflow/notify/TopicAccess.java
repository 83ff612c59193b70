package io.clipflow.notify;

import io.clipflow.security.ClipflowUser;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Who may read which topic: admins everything, a user their own {@code user.<id>}, and for every other kind what the
 * owning feature's {@link TopicPolicy} says. A kind no feature serves is admin-only.
 */
@Component
class TopicAccess {

    private final Map<String, TopicPolicy> policies;

    TopicAccess(List<TopicPolicy> policies) {
        this.policies = policies.stream().collect(Collectors.toUnmodifiableMap(TopicPolicy::kind, Function.identity()));
    }

    /** False for malformed topics, topics of things that do not exist, and other users' things. */
    boolean mayRead(ClipflowUser user, String name) {
        return Topic.parse(name).map(topic -> mayRead(user, topic)).orElse(false);
    }

    boolean mayRead(ClipflowUser user, Topic topic) {
        if (user == null) {
            return false;
        }
        if (Topic.USER.equals(topic.kind())) {
            return user.seesEverything() || topic.numericId() == user.id();
        }
        TopicPolicy policy = policies.get(topic.kind());
        if (policy == null) {
            return user.seesEverything();
        }
        return policy.mayRead(user, topic);
    }
}
