package io.clipflow.stage;

import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a stage's prompt template: {@code {name}} is replaced by the value {@code lookup} gives for it. Only names in
 * braces are placeholders ({@code {"scene": ...}} in an example is left alone), and a placeholder nobody can fill is
 * an error that names it, not an empty hole in the prompt.
 */
final class StagePrompt {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_\\-]{0,63})}");

    private StagePrompt() {}

    /**
     * @throws StageFailure (final) naming the first placeholder {@code lookup} returns null for
     */
    static String render(String stage, String template, Function<String, String> lookup) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = lookup.apply(m.group(1));
            if (value == null) {
                throw StageFailure.fatal(
                        "ValueError",
                        "stage " + stage + " needs {" + m.group(1) + "}: pass it in input_data, or run stage "
                                + m.group(1) + " first");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A lookup over fixed values first, then {@code fallback}. */
    static Function<String, String> lookup(Map<String, String> values, Function<String, String> fallback) {
        return name -> values.containsKey(name) ? values.get(name) : fallback.apply(name);
    }
}
