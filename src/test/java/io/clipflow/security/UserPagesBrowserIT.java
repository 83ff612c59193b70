package io.clipflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PageClient;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Users and tokens in headless Chromium: create with a generated password, reset it, issue and revoke a token. */
class UserPagesBrowserIT extends IntegrationTestBase {

    @Test
    void createsAUserResetsTheirPasswordAndIssuesAndRevokesTheirToken() {
        Account admin = newAccount(Role.ADMIN);
        String name = "carol-" + UUID.randomUUID().toString().substring(0, 8);
        try (Browser browser = Browser.open(base())) {
            browser.signIn(admin.username(), admin.password()).go("/ui/users");
            browser.find(By.id("new-username")).sendKeys(name);
            browser.find(By.id("create-user")).click();
            browser.waitUntil(d -> !d.findElements(By.id("secret")).isEmpty());
            String first = browser.find(By.id("secret")).getText();
            assertThat(browser.find(By.id("notice")).getText()).isEqualTo("Created USER " + name + ".");
            assertThat(signsIn(name, first)).isTrue();
            browser.screenshot("users");

            By row = By.cssSelector("#users tr[data-user='" + name + "']");
            browser.clickAndLoad(browser.find(row).findElement(By.className("reset-password")));
            browser.waitUntil(d -> !d.findElements(By.id("secret")).isEmpty());
            String second = browser.find(By.id("secret")).getText();
            assertThat(second).isNotEqualTo(first);
            assertThat(signsIn(name, first)).as("the old password").isFalse();
            assertThat(signsIn(name, second)).isTrue();

            browser.clickAndLoad(browser.find(row).findElement(By.className("issue-token")));
            browser.waitUntil(d -> !d.findElements(By.id("secret")).isEmpty());
            String token = browser.find(By.id("secret")).getText();
            long userId = tokens.findUser(name).orElseThrow().id();
            ApiClient carol = new ApiClient(base(), token, userId);
            assertThat(carol.get("/api/videos").status()).isEqualTo(200);

            browser.go("/ui/users");
            browser.find(By.cssSelector("#users tr[data-user='" + name + "'] .token button.revoke-token"))
                    .click();
            browser.waitUntil(d -> !d.findElements(By.id("notice")).isEmpty());
            assertThat(browser.find(By.id("notice")).getText()).contains("revoked");
            assertThat(carol.get("/api/videos").status()).isEqualTo(401);
            assertThat(browser.driver().findElements(By.id("secret")))
                    .as("secrets are shown once")
                    .isEmpty();
        }
    }

    @Test
    void setsPasswordsThroughTheApiWithTheSameRulesAndKeepsTheListFromViewersActions() {
        Account admin = newAccount(Role.ADMIN);
        Account viewer = newAccount(Role.VIEWER);
        String name = "dan-" + UUID.randomUUID().toString().substring(0, 8);
        var shortOne = admin.api().postJson("/api/users", "{\"username\": \"" + name + "\", \"password\": \"short\"}");
        assertThat(shortOne.status()).isEqualTo(400);
        assertThat(shortOne.json().path("detail").asText()).contains("at least 12");
        var created = admin.api()
                .postJson("/api/users", "{\"username\": \"" + name + "\", \"password\": \"a-long-password-1\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(signsIn(name, "a-long-password-1")).isTrue();
        long id = created.json().path("id").asLong();
        assertThat(admin.api()
                        .postJson("/api/users/" + id + "/password", "{\"password\": \"another-long-one-2\"}")
                        .status())
                .isEqualTo(204);
        assertThat(signsIn(name, "another-long-one-2")).isTrue();
        assertThat(admin.api().get("/api/users").body()).contains(name);

        PageClient pages = new PageClient(base());
        pages.signIn(viewer.username(), viewer.password());
        assertThat(pages.get("/ui/users").body()).contains(name).doesNotContain("create-user");
        assertThat(pages.post("/ui/users/" + id + "/password", java.util.Map.of())
                        .statusCode())
                .isEqualTo(403);
        assertThat(viewer.api().get("/api/users").status()).isEqualTo(403);
    }

    private boolean signsIn(String name, String password) {
        var reply = new PageClient(base()).signIn(name, password);
        return reply.headers().firstValue("Location").orElse("").endsWith("/ui");
    }
}
