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

    /** The queue a kombu list name belongs to: the name up to a priority suffix. */
    public static String queueOfList(String list) {
        int sep = list.indexOf(SEPARATOR);
        return sep < 0 ? list : list.substring(0, sep);
    }
}
