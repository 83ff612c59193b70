package io.clipflow.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * How a stage's answer is read. {@code text} is kept as the model wrote it; {@code storyboard} and {@code camera} are
 * JSON checked against their schema, which is also sent to the provider as {@code response_format} so models that
 * support structured output (OpenAI, vLLM, llama.cpp) are held to it while generating.
 */
public enum StageOutput {
    TEXT,
    /** A list of shots: {@code [{"scene", "narration", "duration"}]}, duration in seconds. */
    STORYBOARD,
    /** A camera movement per shot: {@code [{"shot", "movement"}]}. */
    CAMERA;

    static final int MAX_SHOTS = 50;

    /** The JSON schema the answer must satisfy, or null for text. */
    public Map<String, Object> schema() {
        return switch (this) {
            case TEXT -> null;
            case STORYBOARD -> array(Map.of(
                    "type",
                    "object",
                    "properties",
                    Map.of(
                            "scene", Map.of("type", "string"),
                            "narration", Map.of("type", "string"),
                            "duration", Map.of("type", "number")),
                    "required",
                    List.of("scene", "narration", "duration"),
                    "additionalProperties",
                    false));
            case CAMERA -> array(Map.of(
                    "type",
                    "object",
                    "properties",
                    Map.of(
                            "shot", Map.of("type", "integer"),
                            "movement", Map.of("type", "string")),
                    "required",
                    List.of("shot", "movement"),
                    "additionalProperties",
                    false));
        };
    }

    private static Map<String, Object> array(Map<String, Object> items) {
        return Map.of("type", "array", "minItems", 1, "maxItems", MAX_SHOTS, "items", items);
    }

    /**
     * The answer as stored JSON, or null for text.
     *
     * @throws MalformedOutputException when the answer is not what the schema asks for, naming what is wrong
     */
    public JsonNode parse(String answer, ObjectMapper json) {
        if (this == TEXT) {
            return null;
        }
        JsonNode root;
        try {
            root = json.readTree(unfenced(answer));
        } catch (JsonProcessingException e) {
            throw new MalformedOutputException(name().toLowerCase() + " is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new MalformedOutputException(name().toLowerCase() + " must be a non-empty JSON list");
        }
        if (root.size() > MAX_SHOTS) {
            throw new MalformedOutputException(
                    name().toLowerCase() + " has " + root.size() + " entries, more than " + MAX_SHOTS);
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode item = root.get(i);
            String where = (this == STORYBOARD ? "shot " : "camera entry ") + (i + 1);
            if (!item.isObject()) {
                throw new MalformedOutputException(where + " is not an object");
            }
            if (this == STORYBOARD) {
                text(item, "scene", where);
                if (!item.path("narration").isTextual()) {
                    throw new MalformedOutputException(where + " has no narration text");
                }
                JsonNode duration = item.path("duration");
                if (!duration.isNumber() || duration.asDouble() <= 0 || duration.asDouble() > 600) {
                    throw new MalformedOutputException(where + " has no duration in seconds (0 to 600)");
                }
            } else {
                text(item, "movement", where);
            }
        }
        return root;
    }

    private static void text(JsonNode item, String field, String where) {
        JsonNode value = item.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new MalformedOutputException(where + " has no " + field);
        }
    }

    /** Models often wrap JSON in a Markdown fence; the fence is not part of the answer. */
    private static String unfenced(String answer) {
        String s = answer.strip();
        if (s.startsWith("```")) {
            int start = s.indexOf('\n');
            int end = s.lastIndexOf("```");
            if (start > 0 && end > start) {
                return s.substring(start + 1, end);
            }
        }
        return s;
    }
}
