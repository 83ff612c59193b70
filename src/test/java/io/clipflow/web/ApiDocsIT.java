package io.clipflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.security.Role;
import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PageClient;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** The OpenAPI description covers every /api endpoint with its error shapes, and Swagger UI renders it. */
class ApiDocsIT extends IntegrationTestBase {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void describesEveryApiEndpointWithItsErrorRepliesToASignedInUser() {
        Account alice = newAccount(Role.USER);
        assertThat(new PageClient(base()).get("/v3/api-docs").statusCode())
                .as("not for anonymous callers")
                .isEqualTo(302);
        var reply = alice.api().get("/v3/api-docs");
        assertThat(reply.status()).isEqualTo(200);
        JsonNode doc = reply.json();
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        assertThat(doc.path("components")
                        .path("securitySchemes")
                        .path("bearer")
                        .path("scheme")
                        .asText())
                .isEqualTo("bearer");
        assertThat(doc.path("components").path("schemas").has("Error")).isTrue();

        Set<String> documented = new TreeSet<>();
        doc.path("paths").fieldNames().forEachRemaining(documented::add);
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/api/"))
                .forEach(served::add));
        assertThat(served).isNotEmpty().contains("/api/videos", "/api/tasks/{taskId}/retry");
        assertThat(documented).as("every /api endpoint is described").containsAll(served);
        assertThat(documented).as("the pages are not part of the API").noneMatch(p -> p.startsWith("/ui"));

        doc.path("paths")
                .forEach(item -> item.forEach(op -> {
                    if (op.has("responses")) {
                        assertThat(op.path("responses").has("401")).isTrue();
                        assertThat(op.path("responses")
                                        .path("404")
                                        .path("content")
                                        .path("application/json")
                                        .path("example")
                                        .path("error")
                                        .asText())
                                .isEqualTo("not found");
                    }
                }));
    }

    @Test
    void swaggerUiRendersTheDescriptionUnderThePagesCsp() {
        Account alice = newAccount(Role.USER);
        try (Browser browser = Browser.open(base())) {
            browser.signIn(alice.username(), alice.password()).go("/swagger-ui/index.html");
            browser.waitUntil(d -> !d.findElements(By.cssSelector(".information-container .title"))
                    .isEmpty());
            assertThat(browser.find(By.cssSelector(".information-container .title"))
                            .getText())
                    .contains("Clipflow API");
            browser.waitUntil(d ->
                    !d.findElements(By.cssSelector(".opblock-summary-path")).isEmpty());
            assertThat(browser.consoleErrors())
                    .as("no script errors or CSP violations")
                    .isEmpty();
        }
    }
}
