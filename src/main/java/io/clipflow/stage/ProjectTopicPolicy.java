package io.clipflow.stage;

import io.clipflow.notify.Topic;
import io.clipflow.notify.TopicPolicy;
import io.clipflow.security.ClipflowUser;
import org.springframework.stereotype.Component;

/** A project's topics (the whole project, each stage) are its owner's and admins'; no project, no readable topic. */
@Component
class ProjectTopicPolicy implements TopicPolicy {

    private final ProjectService projects;

    ProjectTopicPolicy(ProjectService projects) {
        this.projects = projects;
    }

    @Override
    public String kind() {
        return Topic.PROJECT;
    }

    @Override
    public boolean mayRead(ClipflowUser user, Topic topic) {
        return projects.find(topic.id(), user.ownerScope()).isPresent();
    }
}
