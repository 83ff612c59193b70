package io.clipflow.celery;

import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly as Python's {@code json.dumps} does with its defaults ({@code ", "} and {@code ": "}
 * separators, {@code ensure_ascii=True}, floats as {@code float.__repr__}). Python does not need this to read our
 * values, but a message or result that is byte-identical to a Python client's can be diffed against real captures.
 */
public final class PythonJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final DateTimeFormatter ISOFORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    private PythonJson() {}

    public static String dumps(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    /**
     * Python's {@code datetime.isoformat()} of the instant in UTC ({@code 2026-11-22T15:37:38.606694+00:00}). The
     * microseconds are always written, where Python omits them when they are exactly zero; both parse the same.
     */
    public static String isoformat(OffsetDateTime time) {
        return ISOFORMAT.format(time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * Reads what {@code datetime.isoformat()} writes. A naive value (Celery 5.2's {@code date_done}, or an eta from a
     * client with {@code enable_utc}) is taken as UTC, as Celery does.
     *
     * @throws DateTimeParseException when the text is not an ISO-8601 date-time
     */
    public static OffsetDateTime parseIsoformat(String text) {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException offsetMissing) {
            return LocalDateTime.parse(text).atOffset(ZoneOffset.UTC);
        }
    }

    /**
     * A shallow copy of {@code source} whose keys listed in {@code leading} come first, in that order, followed by
     * every other key in its original order. Keys in {@code leading} that are absent stay absent.
     */
    public static ObjectNode ordered(ObjectNode source, List<String> leading) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        for (String key : leading) {
            if (source.has(key)) {
                copy.set(key, source.get(key));
            }
        }
        Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!copy.has(field.getKey())) {
                copy.set(field.getKey(), field.getValue());
            }
        }
        return copy;
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            out.append('{');
            boolean first = true;
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!first) {
                    out.append(", ");
                }
                first = false;
                writeString(field.getKey(), out);
                out.append(": ");
                write(field.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            writeString(node.textValue(), out);
        } else if (node.isBoolean()) {
            out.append(node.booleanValue() ? "true" : "false");
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isFloat()) {
            // Float.toString's shortest digits are what the Java author wrote; widening first would leak binary noise.
            out.append(pythonFloat(new BigDecimal(NumberOutput.toString(node.floatValue(), true)), node.floatValue()));
        } else if (node.isNumber()) {
            out.append(pythonFloat(node.doubleValue()));
        } else if (node.isBinary() || node.isPojo()) {
            throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        } else {
            throw new IllegalArgumentException("unsupported JSON node: " + node.getNodeType());
        }
    }

    /** Python's {@code float.__repr__}: shortest round-trip digits, exponent form outside 1e-4 <= |x| < 1e16. */
    public static String pythonFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        // Schubfach gives the shortest round-trip digits on every JDK, which Double.toString on 17 does not always.
        return pythonFloat(new BigDecimal(NumberOutput.toString(value, true)), value);
    }

    private static String pythonFloat(BigDecimal decimal, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return pythonFloat(value);
        }
        if (value == 0.0) {
            return (1.0 / value) < 0 ? "-0.0" : "0.0";
        }
        String sign = decimal.signum() < 0 ? "-" : "";
        BigDecimal magnitude = decimal.abs().stripTrailingZeros();
        if (magnitude.precision() == 2) {
            // Java never prints fewer than two significant digits (4.9E-324); Python does when one round-trips
            // (5e-324).
            BigDecimal oneDigit = magnitude.round(new MathContext(1));
            if (oneDigit.doubleValue() == Math.abs(value)) {
                magnitude = oneDigit.stripTrailingZeros();
            }
        }
        String digits = magnitude.unscaledValue().toString();
        int decimalPoint = digits.length() - magnitude.scale();
        StringBuilder out = new StringBuilder(sign);
        if (decimalPoint > -4 && decimalPoint <= 16) {
            if (decimalPoint <= 0) {
                out.append("0.").append("0".repeat(-decimalPoint)).append(digits);
            } else if (decimalPoint >= digits.length()) {
                out.append(digits)
                        .append("0".repeat(decimalPoint - digits.length()))
                        .append(".0");
            } else {
                out.append(digits, 0, decimalPoint).append('.').append(digits, decimalPoint, digits.length());
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exponent = decimalPoint - 1;
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        }
        return out.toString();
    }

    private static void writeString(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // Python escapes everything outside printable ASCII, DEL included; UTF-16 units map 1:1 to its
                    // surrogate-pair escapes.
                    if (c < 0x20 || c > 0x7e) {
                        out.append("\\u")
                                .append(HEX[(c >> 12) & 0xf])
                                .append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf])
                                .append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
