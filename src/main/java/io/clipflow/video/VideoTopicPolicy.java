package io.clipflow.video;

import io.clipflow.notify.Topic;
import io.clipflow.notify.TopicPolicy;
import io.clipflow.security.ClipflowUser;
import org.springframework.stereotype.Component;

/** A video's topic is its owner's (and admins'); a video that does not exist has no readable topic. */
@Component
class VideoTopicPolicy implements TopicPolicy {

    private final VideoService videos;

    VideoTopicPolicy(VideoService videos) {
        this.videos = videos;
    }

    @Override
    public String kind() {
        return Topic.VIDEO;
    }

    @Override
    public boolean mayRead(ClipflowUser user, Topic topic) {
        return videos.find(topic.numericId(), user.ownerScope()).isPresent();
    }
}
