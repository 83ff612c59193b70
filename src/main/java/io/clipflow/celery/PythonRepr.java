package io.clipflow.celery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * A port of Celery's {@code celery.utils.saferepr} for JSON values, which is what fills the {@code argsrepr} and
 * {@code kwargsrepr} headers that Flower and worker logs show. It is not Python's {@code repr}: strings are always
 * single-quoted with only {@code '} escaped, nesting stops at three levels, and output is cut near {@code maxlen}
 * with the same quirks (a lost closing bracket, a stray {@code ", "}) so our headers match a Python client's.
 */
final class PythonRepr {

    static final int CELERY_MAXLEN = 1024;
    private static final int MAX_LEVELS = 3;

    private record Literal(String value, boolean truncatable, int direction) {}

    private record Key(String value) {}

    private record Quoted(String value) {}

    private record Text(String value) {}

    private enum Marker {
        CLOSED
    }

    private static final Literal DICT_START = new Literal("{", false, +1);
    private static final Literal DICT_KEY_SEP = new Literal(": ", true, 0);
    private static final Literal DICT_END = new Literal("}", false, -1);
    private static final Literal LIST_START = new Literal("[", false, +1);
    private static final Literal LIST_END = new Literal("]", false, -1);
    private static final Literal LIST_SEP = new Literal(", ", true, 0);

    private PythonRepr() {}

    /** {@code saferepr(args, 1024)} as Celery computes it: an empty argument list is the tuple {@code ()}. */
    static String args(JsonNode args) {
        return args == null || args.isEmpty() ? "()" : saferepr(args, CELERY_MAXLEN);
    }

    static String kwargs(JsonNode kwargs) {
        return kwargs == null || kwargs.isEmpty() ? "{}" : saferepr(kwargs, CELERY_MAXLEN);
    }

    static String saferepr(Object value, Integer maxlen) {
        StringBuilder out = new StringBuilder();
        Deque<Object> pending = new ArrayDeque<>();
        pending.add(value);
        int level = 0;
        Integer remaining = maxlen;
        while (!pending.isEmpty()) {
            Object item = pending.pollFirst();
            Object token;
            if (item == Marker.CLOSED) {
                continue;
            } else if (item instanceof Literal literal) {
                level += literal.direction();
                token = literal;
            } else if (item instanceof Key || item instanceof String) {
                token = item instanceof String s ? new Quoted(s) : item;
            } else if (item instanceof JsonNode node && node.isContainerNode()) {
                boolean object = node.isObject();
                if (level >= MAX_LEVELS) {
                    token = new Text(object ? "{...}" : "[...]");
                } else {
                    expand(node, pending);
                    continue;
                }
            } else {
                token = scalar((JsonNode) item);
            }
            if (remaining != null && remaining <= 0) {
                // Celery drops the token in hand, then closes whatever brackets are still pending.
                out.append(", ...");
                for (Object rest : pending) {
                    if (rest instanceof Literal literal && !literal.truncatable()) {
                        out.append(literal.value());
                    }
                }
                break;
            }
            String text = render(token, remaining);
            out.append(text);
            if (remaining != null) {
                remaining -= text.codePointCount(0, text.length());
            }
        }
        return out.toString();
    }

    private static void expand(JsonNode node, Deque<Object> pending) {
        Deque<Object> items = new ArrayDeque<>();
        if (node.isObject()) {
            items.add(DICT_START);
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                items.add(new Key(field.getKey()));
                items.add(DICT_KEY_SEP);
                items.add(field.getValue());
                if (fields.hasNext()) {
                    items.add(LIST_SEP);
                }
            }
            items.add(Marker.CLOSED);
            items.add(DICT_END);
        } else {
            items.add(LIST_START);
            for (int i = 0; i < node.size(); i++) {
                items.add(node.get(i));
                if (i < node.size() - 1) {
                    items.add(LIST_SEP);
                }
            }
            items.add(Marker.CLOSED);
            items.add(LIST_END);
        }
        items.descendingIterator().forEachRemaining(pending::addFirst);
    }

    private static Object scalar(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new Text("None");
        }
        if (node.isTextual()) {
            return new Quoted(node.textValue());
        }
        if (node.isBoolean()) {
            return new Text(node.booleanValue() ? "True" : "False");
        }
        if (node.isIntegralNumber()) {
            return new Text(node.bigIntegerValue().toString());
        }
        if (node.isNumber()) {
            return new Text(PythonJson.dumps(node));
        }
        return new Text(node.toString());
    }

    private static String render(Object token, Integer maxlen) {
        if (token instanceof Literal literal) {
            return literal.value();
        }
        if (token instanceof Key key) {
            return saferepr(key.value(), maxlen);
        }
        if (token instanceof Quoted quoted) {
            return "'" + truncate(quoted.value(), maxlen).replace("'", "\\'") + "'";
        }
        return truncate(((Text) token).value(), maxlen);
    }

    /** {@code celery.utils.text.truncate}: cut at maxlen, back to the last space, and mark with an ellipsis. */
    private static String truncate(String text, Integer maxlen) {
        if (maxlen == null || maxlen == 0 || text.codePointCount(0, text.length()) < maxlen) {
            return text;
        }
        String head = text.substring(0, text.offsetByCodePoints(0, maxlen));
        int space = head.lastIndexOf(' ');
        return (space >= 0 ? head.substring(0, space) : head) + "...";
    }
}
