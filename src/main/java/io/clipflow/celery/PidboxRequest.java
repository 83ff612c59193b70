package io.clipflow.celery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One remote-control command as kombu's {@code Mailbox} broadcasts it on {@code celery.pidbox}: the method and its
 * keyword arguments, who should act on it, and where to answer.
 *
 * @param method the command ({@code ping}, {@code revoke}, …)
 * @param arguments its keyword arguments (an empty object when none)
 * @param destination node names that should act; null or empty: every node, unless a pattern says otherwise
 * @param pattern with {@code matcher}: node names that should act, kombu's {@code glob} (default) or {@code pcre}
 * @param matcher {@code glob} or {@code pcre}
 * @param ticket the caller's id for this call, echoed in the reply's headers; null for a cast
 * @param replyExchange the exchange to answer on ({@code reply.celery.pidbox}); null for a cast (no answer wanted)
 * @param replyRoutingKey the caller's reply queue's routing key (its oid)
 * @param clock the sender's logical clock ({@code headers.clock}), 0 when absent
 */
public record PidboxRequest(
        String method,
        ObjectNode arguments,
        List<String> destination,
        String pattern,
        String matcher,
        String ticket,
        String replyExchange,
        String replyRoutingKey,
        long clock) {

    /** Whether a reply is wanted: kombu's {@code call} (with {@code reply_to}) rather than {@code cast}. */
    public boolean wantsReply() {
        return replyExchange != null && replyRoutingKey != null;
    }

    /**
     * Whether the node named {@code hostname} should act, as kombu's {@code Node.handle_message} decides: a non-empty
     * destination must name it; else a pattern and matcher must match it; else every node acts.
     */
    public boolean addressedTo(String hostname) {
        if (destination != null && !destination.isEmpty()) {
            return destination.contains(hostname);
        }
        if (pattern != null && !pattern.isEmpty() && matcher != null && !matcher.isEmpty()) {
            return switch (matcher) {
                    // re.match: anchored at the start only
                case "pcre" -> Pattern.compile(pattern).matcher(hostname).lookingAt();
                case "glob" -> globMatches(pattern, hostname);
                    // kombu raises MatcherNotInstalled before dispatching: nobody acts
                default -> false;
            };
        }
        return true;
    }

    /** Python's {@code fnmatch.fnmatch} on a POSIX system: {@code *}, {@code ?}, {@code [seq]}, {@code [!seq]}. */
    static boolean globMatches(String glob, String name) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        regex.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, end);
                        regex.append('[');
                        if (set.startsWith("!")) {
                            regex.append('^');
                            set = set.substring(1);
                        }
                        regex.append(set.replace("\\", "\\\\").replace("[", "\\["));
                        regex.append(']');
                        i = end;
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(name).matches();
    }
}
