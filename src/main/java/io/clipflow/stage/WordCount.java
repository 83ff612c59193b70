package io.clipflow.stage;

import io.clipflow.celery.CeleryMessage;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/** Route stage-example: the task {@code clipflow.stage.word_count(text, top=5)}, counting words, characters, lines. */
@Component("wordCount")
public class WordCount {

    static final String TASK = "clipflow.stage.word_count";
    static final int DEFAULT_TOP = 5;
    static final int MAX_TOP = 100;

    /**
     * Reads the arguments as Celery passes them, positionally or by keyword ({@code word_count("a b", 3)} or
     * {@code word_count(text="a b", top=3)}).
     *
     * @throws IllegalArgumentException when {@code text} is missing or not a string, or {@code top} is not an integer
     *     from 0 to 100 (not retried: the same input fails the same way)
     */
    public TextStats run(@Body CeleryMessage task) {
        Object text = argument(task, 0, "text");
        Object top = argument(task, 1, "top");
        if (!(text instanceof String value)) {
            throw new IllegalArgumentException(
                    TASK + " expects (text, top=5): text must be a string, got " + kind(text));
        }
        if (top == null) {
            return count(value, DEFAULT_TOP);
        }
        if (!(top instanceof Integer || top instanceof Long)) {
            throw new IllegalArgumentException(
                    TASK + " expects (text, top=5): top must be an integer, got " + kind(top));
        }
        return count(value, ((Number) top).intValue());
    }

    /** Counts {@code text}; {@code top} is how many of the most frequent words to list (0 to 100). */
    public TextStats count(String text, int top) {
        if (top < 0 || top > MAX_TOP) {
            throw new IllegalArgumentException(TASK + ": top must be from 0 to " + MAX_TOP + ", got " + top);
        }
        Map<String, Integer> frequencies = new LinkedHashMap<>();
        int words = 0;
        BreakIterator boundaries = BreakIterator.getWordInstance(Locale.ROOT);
        boundaries.setText(text);
        for (int start = boundaries.first(), end = boundaries.next();
                end != BreakIterator.DONE;
                start = end, end = boundaries.next()) {
            for (String word : words(text.substring(start, end))) {
                words++;
                frequencies.merge(word.toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> ranked = new ArrayList<>(frequencies.entrySet());
        // a stable sort keeps first-seen order among equal counts
        ranked.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        Map<String, Integer> topWords = new LinkedHashMap<>();
        ranked.stream().limit(top).forEach(e -> topWords.put(e.getKey(), e.getValue()));
        int lines = (int) text.lines().count();
        return new TextStats(words, text.codePointCount(0, text.length()), lines, topWords);
    }

    /** The words in one boundary segment: none for spaces and punctuation, each character for ideographs and kana. */
    private static List<String> words(String segment) {
        if (segment.codePoints().noneMatch(Character::isLetterOrDigit)) {
            return List.of();
        }
        if (segment.codePoints().allMatch(WordCount::writtenWithoutSpaces)) {
            return segment.codePoints().mapToObj(Character::toString).toList();
        }
        return List.of(segment);
    }

    private static boolean writtenWithoutSpaces(int codePoint) {
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        return script == Character.UnicodeScript.HAN
                || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
    }

    private static Object argument(CeleryMessage task, int position, String name) {
        if (task.args().size() > position) {
            return task.args().get(position);
        }
        return task.kwargs().get(name);
    }

    private static String kind(Object value) {
        return value == null ? "nothing" : value.getClass().getSimpleName();
    }
}
