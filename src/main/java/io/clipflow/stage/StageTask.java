package io.clipflow.stage;

import io.clipflow.celery.CeleryMessage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arguments of a stage task as a Django app sends them: {@code execute_llm_stage(project_id, stage_name,
 * input_data, user_id)}, positionally or by keyword; seed 002's aliases ({@code generate_script_async(project_id,
 * input_data=None, user_id=None)}) name their stage through {@code clipflow.ai.task-aliases}.
 *
 * @param userId who asked for it (null when the producer did not say)
 */
public record StageTask(String projectId, String stage, Map<String, Object> inputData, Long userId) {

    /**
     * @throws StageFailure (final) when the arguments are not of that shape
     */
    static StageTask from(CeleryMessage message, Map<String, String> aliases) {
        String aliased = aliases.get(message.taskName());
        int at = 0;
        Object projectId = argument(message, at++, "project_id");
        Object stage = aliased != null ? aliased : argument(message, at++, "stage_name");
        Object input = argument(message, at++, "input_data");
        Object user = argument(message, at, "user_id");
        String signature = aliased != null
                ? message.taskName() + "(project_id, input_data=None, user_id=None)"
                : message.taskName() + "(project_id, stage_name, input_data, user_id)";
        if (!(projectId instanceof String || projectId instanceof Number)) {
            throw bad(signature, "project_id must be a string");
        }
        if (!(stage instanceof String stageName) || stageName.isBlank()) {
            throw bad(signature, "stage_name must be a string");
        }
        if (input != null && !(input instanceof Map)) {
            throw bad(signature, "input_data must be an object");
        }
        if (user != null && !(user instanceof Integer || user instanceof Long)) {
            throw bad(signature, "user_id must be an integer");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (input instanceof Map<?, ?> map) {
            map.forEach((k, v) -> data.put(String.valueOf(k), v));
        }
        return new StageTask(
                String.valueOf(projectId), stageName, data, user == null ? null : ((Number) user).longValue());
    }

    private static Object argument(CeleryMessage message, int position, String name) {
        if (message.args().size() > position) {
            return message.args().get(position);
        }
        return message.kwargs().get(name);
    }

    private static StageFailure bad(String signature, String why) {
        return StageFailure.fatal("TypeError", signature + ": " + why);
    }
}
