package io.clipflow.web;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 description of the JSON API ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui/index.html};
 * both need a signed-in user). Every operation gets the error replies the API really sends, all of them the same
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
