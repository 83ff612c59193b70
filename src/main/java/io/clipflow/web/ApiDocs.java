package io.clipflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;

/**
 * The OpenAPI 3.1 description of the JSON API ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui/index.html};
 * both need a signed-in user). Each operation gets its summary, success status, parameter descriptions and request and
 * reply examples from {@code openapi/operations.yaml}, and the error replies the API really sends, all of them the same
 * {@code {"error", "detail"}} shape, with an example each.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Clipflow API",
                        version = "v1",
                        description =
                                "Videos, tasks (Celery-compatible), AI story projects, live events and operations. "
                                        + "Every call needs Authorization: Bearer <token> (an API token cf_… or an SSO JWT)."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(
        name = "bearer",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "An API token (cf_…, from POST /api/tokens or the admin) or, with SSO configured, a JWT")
class ApiDocs {

    /** The error replies every operation may give, with what each means here. */
    static final Map<String, String[]> ERRORS = errors();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code openapi/operations.yaml}: per operation ("GET /api/videos"), what the code does not declare. */
    static Map<String, JsonNode> operations() {
        try (InputStream in = new ClassPathResource("openapi/operations.yaml").getInputStream()) {
            Map<String, Object> raw = new org.yaml.snakeyaml.Yaml().load(in);
            Map<String, JsonNode> out = new LinkedHashMap<>();
            raw.forEach((key, value) -> out.put(key, JSON.valueToTree(value)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operations.yaml key of "METHOD /path": an alias with a trailing slash (seed 003's paths) shares it. */
    static String key(String operation) {
        return operation.endsWith("/") ? operation.substring(0, operation.length() - 1) : operation;
    }

    @Bean
    OpenApiCustomizer operationDetails() {
        Map<String, JsonNode> details = operations();
        return api -> {
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
                JsonNode d = details.get(key(method.name() + " " + path));
                if (d != null) {
                    describe(op, d);
                }
            }));
        };
    }

    private static void describe(Operation op, JsonNode d) {
        op.setSummary(d.path("summary").asText(null));
        op.setDescription(d.path("description").asText(null));
        if (op.getParameters() != null) {
            op.getParameters().forEach(p -> {
                JsonNode text = d.path("params").path(p.getName());
                if (text.isTextual()) {
                    p.setDescription(text.asText());
                }
            });
        }
        if (d.has("request")
                && op.getRequestBody() != null
                && op.getRequestBody().getContent() != null) {
            op.getRequestBody().getContent().values().forEach(m -> m.setExample(d.get("request")));
        }
        ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
        Schema<?> schema = null;
        for (var it = responses.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().startsWith("2")) {
                if (schema == null && e.getValue().getContent() != null) {
                    schema = e.getValue().getContent().values().stream()
                            .map(MediaType::getSchema)
                            .filter(java.util.Objects::nonNull)
                            .findFirst()
                            .orElse(null);
                }
                it.remove();
            }
        }
        // a reply without an example in operations.yaml is documented without a body (204, HEAD, tus' PATCH)
        int status = d.path("status").asInt(200);
        ApiResponse success =
                new ApiResponse().description(HttpStatus.valueOf(status).getReasonPhrase());
        if (d.has("reply")) {
            MediaType media = new MediaType().schema(schema);
            media.setExample(d.get("reply").isTextual() ? d.get("reply").asText() : d.get("reply"));
            success.content(new Content().addMediaType(d.path("media").asText("application/json"), media));
        }
        d.path("headers")
                .fields()
                .forEachRemaining(h -> success.addHeaderObject(
                        h.getKey(),
                        new Header().description(h.getValue().asText()).schema(new StringSchema())));
        responses.addApiResponse(String.valueOf(status), success);
        op.setResponses(responses);
    }

    @Bean
    OpenApiCustomizer errorReplies() {
        return api -> {
            Schema<?> error = new ObjectSchema()
                    .addProperty("error", new StringSchema().description("what kind of refusal"))
                    .addProperty("detail", new StringSchema().description("what was wrong, for a person to read"))
                    .description("Every error reply of the API: no stack trace, no HTML");
            api.getComponents().addSchemas("Error", error);
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths().values().forEach(item -> item.readOperations().forEach(op -> {
                ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
                ERRORS.forEach((status, text) -> {
                    if (!responses.containsKey(status)) {
                        Map<String, Object> example = new LinkedHashMap<>();
                        example.put("error", text[1]);
                        example.put("detail", text[2]);
                        responses.addApiResponse(
                                status,
                                new ApiResponse()
                                        .description(text[0])
                                        .content(new Content()
                                                .addMediaType(
                                                        "application/json",
                                                        new MediaType()
                                                                .schema(new Schema<>()
                                                                        .$ref("#/components/schemas/Error"))
                                                                .example(example))));
                    }
                });
                op.setResponses(responses);
            }));
        };
    }

    private static Map<String, String[]> errors() {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("400", new String[] {
            "Bad input: malformed JSON, a wrong type, an unknown value, a bad page", "bad request", "page must be ≥ 0"
        });
        m.put("401", new String[] {
            "No bearer token, or one that is unknown, revoked or expired",
            "unauthorized",
            "send Authorization: Bearer <token>"
        });
        m.put("403", new String[] {
            "The token's role may not do this (a USER on an admin call, any write of a VIEWER)",
            "forbidden",
            "this needs another role"
        });
        m.put("404", new String[] {
            "Not found, or not the caller's (the two are not told apart)", "not found", "video 7 not found"
        });
        m.put("429", new String[] {
            "Too many requests: retry after the Retry-After header's seconds",
            "too many requests",
            "rate limit reached; retry in 6 s"
        });
        return m;
    }
}
