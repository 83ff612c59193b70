package io.clipflow.celery;

import java.util.List;

/**
 * kombu's names on the Redis transport, defined once: the separator, the priority steps and sub-lists, the binding
 * members that let Celery's tools see a queue, and where a message's task id stands in its text.
 */
public final class Kombu {

    /** kombu's Redis {@code Channel.sep}, between a queue name and its priority step or binding parts. */
    public static final String SEPARATOR = "\u0006\u0016";

    /** kombu's default {@code priority_steps}: one Redis list per step, the plain list for step 0. */
    public static final List<Integer> PRIORITY_STEPS = List.of(0, 3, 6, 9);

    private static final int MAX_PRIORITY = 9;

    private Kombu() {}

    /**
     * The Redis list kombu uses for {@code queue} at {@code priority}: the plain list for 0-2, then one list per step
     * of {@code [0, 3, 6, 9]} suffixed with the separator and the step. Out-of-range priorities are clamped to 0-9
     * as kombu does before choosing the list.
     */
    public static String priorityQueue(String queue, int priority) {
        int clamped = Math.max(0, Math.min(priority, MAX_PRIORITY));
        int step = 0;
        for (int candidate : PRIORITY_STEPS) {
            if (candidate <= clamped) {
                step = candidate;
            }
        }
        return step == 0 ? queue : queue + SEPARATOR + step;
    }

    /** Every list of {@code queue}, in the order kombu serves them: the plain list, then steps 3, 6 and 9. */
    public static List<String> priorityLists(String queue) {
        return PRIORITY_STEPS.stream()
                .map(step -> step == 0 ? queue : queue + SEPARATOR + step)
                .toList();
    }

    /** The member of the {@code _kombu.binding.<queue>} set for a direct queue: routing key, empty pattern, queue. */
    public static String bindingMember(String queue) {
        return queue + SEPARATOR + "" + SEPARATOR + queue;
    }

    /**
     * The pub/sub channel kombu's Redis transport uses for a fanout exchange: {@code /<db>.<exchange>}, and
     * {@code /<db>.<exchange>/<routing key>} when there is a routing key ({@code fanout_prefix} and
     * {@code fanout_patterns}, both on since kombu 4). Remote control ({@code celery.pidbox}) and events
     * ({@code celeryev}, fanout on Redis) travel on these; the global key prefix goes in front of it.
     */
    public static String fanoutChannel(int database, String exchange, String routingKey) {
        String channel = "/" + database + "." + exchange;
        return routingKey == null || routingKey.isEmpty() ? channel : channel + "/" + routingKey;
    }

    /**
     * The member of {@code _kombu.binding.<exchange>} kombu writes when it binds {@code queue} with
     * {@code routingKey}: routing key, empty pattern, queue.
     */
    public static String bindingMember(String routingKey, String queue) {
        return (routingKey == null ? "" : routingKey) + SEPARATOR + "" + SEPARATOR + queue;
    }

    /** The queue a kombu list name belongs to: the name up to a priority suffix. */
    public static String queueOfList(String list) {
        int sep = list.indexOf(SEPARATOR);
        return sep < 0 ? list : list.substring(0, sep);
    }
}
