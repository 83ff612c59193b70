package io.clipflow.notify;

import io.clipflow.security.ClipflowUser;

/**
 * Who may read the topics of one kind, supplied by the feature that owns those things (videos, tasks, projects), so
 * {@code notify/} knows no feature. It decides for admins too; a kind no policy serves is admin-only.
 */
public interface TopicPolicy {

    /** The {@link Topic#kind()} this policy decides. */
    String kind();

    /** False for things that do not exist and for other users' things (the caller answers both alike). */
    boolean mayRead(ClipflowUser user, Topic topic);
}
