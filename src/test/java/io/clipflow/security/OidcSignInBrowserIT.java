package io.clipflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.OidcProvider;
import io.clipflow.testsupport.PageClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard's OIDC sign-in against a real OpenID provider (Spring Authorization Server on localhost, another site
 * than Clipflow's 127.0.0.1): the authorization-code flow in Chromium, the provider's user becoming a Clipflow user
 * with the role from the ID token's roles claim, and a forged callback refused.
 */
class OidcSignInBrowserIT extends IntegrationTestBase {

    static OidcProvider provider;

    @DynamicPropertySource
    static void sso(DynamicPropertyRegistry registry) {
        String registration = "spring.security.oauth2.client.registration.sso.";
        registry.add(registration + "client-id", () -> OidcProvider.CLIENT_ID);
        registry.add(registration + "client-secret", () -> OidcProvider.CLIENT_SECRET);
        registry.add(registration + "client-name", () -> "Test SSO");
        registry.add(registration + "scope", () -> "openid,profile");
        registry.add("spring.security.oauth2.client.provider.sso.issuer-uri", () -> provider()
                .issuer());
    }

    static synchronized OidcProvider provider() {
        if (provider == null) {
            provider = OidcProvider.start();
        }
        return provider;
    }

    @AfterAll
    static void stopProvider() {
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void signingInAtTheProviderOpensTheDashboardAsTheProvidersUserWithTheRoleFromItsClaims() {
        try (Browser browser = Browser.open(base())) {
            signInThroughTheProvider(browser, "olga");
            assertThat(browser.path()).isEqualTo("/ui");
            assertThat(browser.find(By.id("signed-in-user")).getText()).isEqualTo("olga");
            assertThat(browser.find(By.id("signed-in-role")).getText()).isEqualTo("ADMIN");
            assertThat(browser.go("/ui/queues").find(By.tagName("h1")).getText())
                    .as("an admin's page")
                    .isEqualTo("Queues");
            Cookie session = browser.driver().manage().getCookieNamed("clipflow_session");
            assertThat(session.isHttpOnly()).isTrue();
            assertThat(session.getSameSite())
                    .as("Lax: the provider's redirect back is a cross-site navigation")
                    .isEqualTo("Lax");
            assertThat(browser.consoleErrors()).isEmpty();
        }
        ClipflowUser olga = tokens.findUser("olga").orElseThrow();
        assertThat(olga.role()).isEqualTo(Role.ADMIN);

        try (Browser browser = Browser.open(base())) {
            signInThroughTheProvider(browser, "ivan");
            assertThat(browser.find(By.id("signed-in-role")).getText()).isEqualTo("USER");
            assertThat(browser.go("/ui/queues").find(By.tagName("body")).getText())
                    .contains("Your role may not do this.");
        }
        try (Browser browser = Browser.open(base())) {
            signInThroughTheProvider(browser, "olga");
            assertThat(browser.find(By.id("signed-in-user")).getText()).isEqualTo("olga");
        }
        assertThat(tokens.findUser("olga").orElseThrow().id())
                .as("the same user the second time")
                .isEqualTo(olga.id());
    }

    @Test
    void aCallbackThatThisBrowserDidNotStartIsRefusedAndSignsNobodyIn() {
        PageClient pages = new PageClient(base());
        var login = pages.get("/login");
        assertThat(login.body()).contains("Sign in with Test SSO").contains("/oauth2/authorization/sso");
        var forged = pages.get("/login/oauth2/code/sso?code=stolen&state=forged");
        assertThat(forged.statusCode()).isEqualTo(302);
        assertThat(forged.headers().firstValue("Location").orElse("")).endsWith("/login?sso-error");
        assertThat(pages.get("/login?sso-error").body()).contains("Single sign-on did not sign you in.");
        assertThat(pages.get("/ui").statusCode()).as("still signed out").isEqualTo(302);

        var start = pages.get("/oauth2/authorization/sso");
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(start.headers().firstValue("Location").orElse(""))
                .startsWith(provider().issuer() + "/oauth2/authorize?")
                .contains("client_id=clipflow")
                .contains("nonce=")
                .contains("code_challenge=");
    }

    private void signInThroughTheProvider(Browser browser, String user) {
        browser.go("/login");
        browser.clickAndLoad(browser.find(By.id("sso-sso")));
        assertThat(browser.driver().getCurrentUrl()).startsWith(provider().issuer() + "/login");
        browser.find(By.id("username")).sendKeys(user);
        browser.find(By.id("password")).sendKeys(OidcProvider.PASSWORD);
        browser.clickAndLoad(browser.find(By.cssSelector("button[type=submit]")));
        browser.waitUntil(d -> d.getCurrentUrl().startsWith(base() + "/ui"));
    }
}
