package io.clipflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PageClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The dashboard's sign-in as HTTP sees it: cookie, CSRF, fixation, throttling, headers, and the API kept apart. */
class SignInPageIT extends IntegrationTestBase {

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    ClipflowProperties clipflow;

    @AfterEach
    void forgetFailures() {
        var stale = redis.keys(keys.loginFailures("*", "*"));
        if (stale != null && !stale.isEmpty()) {
            redis.delete(stale);
        }
    }

    @Test
    void sendsAnAnonymousBrowserFromTheRootToTheSignInPage() {
        PageClient browser = new PageClient(base());
        assertThat(browser.get("/").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        HttpResponse<String> ui = browser.get("/ui");
        assertThat(ui.statusCode()).isEqualTo(302);
        assertThat(ui.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login").doesNotContainIgnoringCase("jsessionid"));
        HttpResponse<String> login = browser.get("/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"_csrf\"", "id=\"sign-in\"");
    }

    @Test
    void signsInWithANewHttpOnlySameSiteStrictSessionAndSignsOut() {
        Account alice = newAccount(Role.USER);
        PageClient browser = new PageClient(base());
        browser.get("/login");
        String before = browser.session();

        HttpResponse<String> signedIn =
                browser.post("/login", Map.of("username", alice.username(), "password", alice.password()));
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/ui"));
        String cookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("clipflow_session="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/");
        assertThat(browser.session())
                .as("a new session id at sign-in")
                .isNotNull()
                .isNotEqualTo(before);

        HttpResponse<String> overview = browser.get("/ui");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains(alice.username(), "id=\"status-line\"");

        HttpResponse<String> out = browser.post("/logout", Map.of());
        assertThat(out.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?signed-out"));
        assertThat(browser.get("/ui").statusCode()).isEqualTo(302);
    }

    @Test
    void refusesASignInFormWithoutItsCsrfToken() {
        Account alice = newAccount(Role.USER);
        PageClient browser = new PageClient(base());
        browser.get("/login");
        HttpResponse<String> refused =
                browser.postWithout("/login", Map.of("username", alice.username(), "password", alice.password()));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(refused.body()).contains("CSRF");
        assertThat(browser.get("/ui").statusCode()).as("still signed out").isEqualTo(302);
    }

    @Test
    void refusesAWrongPasswordAndAnUnknownUserAlike() {
        Account alice = newAccount(Role.USER);
        for (var attempt : List.of(
                Map.of("username", alice.username(), "password", "not-the-password-at-all"),
                Map.of("username", "nobody-" + alice.id(), "password", alice.password()),
                Map.of("username", alice.username(), "password", "short"))) {
            PageClient browser = new PageClient(base());
            browser.get("/login");
            HttpResponse<String> reply = browser.post("/login", attempt);
            assertThat(reply.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
            assertThat(browser.get("/login?error").body()).contains("Wrong user name or password.");
        }
    }

    @Test
    void throttlesAUserNameAfterFiveFailuresEvenWithTheRightPassword() {
        Account alice = newAccount(Role.USER);
        Account bob = newAccount(Role.USER);
        for (int i = 0; i < 5; i++) {
            assertThat(location(new PageClient(base()).signIn(alice.username(), "wrong-password-" + i)))
                    .endsWith("/login?error");
        }
        PageClient browser = new PageClient(base());
        assertThat(location(browser.signIn(alice.username(), alice.password()))).endsWith("/login?throttled");
        assertThat(browser.get("/login?throttled").body()).contains("Too many failed sign-ins");
        assertThat(browser.get("/ui").statusCode()).isEqualTo(302);
        assertThat(redis.getExpire(keys.loginFailures("user", TokenService.hash(alice.username()))))
                .as("the refusal ends with its window")
                .isBetween(1L, 15 * 60L);

        assertThat(location(new PageClient(base()).signIn(bob.username(), bob.password())))
                .as("another user from the same address")
                .endsWith("/ui");
    }

    @Test
    void throttlesAnAddressAfterTwentyFailuresAcrossNames() {
        Account carol = newAccount(Role.USER);
        for (int i = 0; i < 20; i++) {
            new PageClient(base()).signIn("guess-" + i, "wrong-password-" + i);
        }
        assertThat(location(new PageClient(base()).signIn(carol.username(), carol.password())))
                .endsWith("/login?throttled");
    }

    @Test
    void givesPagesTheirOwnCspAndKeepsTheApisAndItsBearerTokens() {
        Account alice = newAccount(Role.USER);
        PageClient browser = new PageClient(base());
        HttpResponse<String> login = browser.get("/login");
        String pageCsp = login.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(pageCsp)
                .contains("script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe");
        assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(login.body()).doesNotContain("<script>").doesNotContain(" style=\"");

        browser.post("/login", Map.of("username", alice.username(), "password", alice.password()));
        HttpResponse<String> withCookie = browser.send(HttpRequest.newBuilder(URI.create(base() + "/api/videos")));
        assertThat(withCookie.statusCode())
                .as("a session cookie never authenticates the API")
                .isEqualTo(401);

        var api = alice.api().get("/api/videos");
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.header("Content-Security-Policy")).startsWith("default-src 'none'");
    }

    @Test
    void servesTheFrontEndLibrariesFromWebjarsWithoutSigningIn() {
        PageClient browser = new PageClient(base());
        HttpResponse<String> htmx = browser.get("/webjars/htmx.org/dist/htmx.min.js");
        assertThat(htmx.statusCode()).isEqualTo(200);
        assertThat(htmx.body()).contains("htmx");
        assertThat(browser.get("/assets/app.js").statusCode()).isEqualTo(200);
    }

    @Test
    void theAdminBootstrapWroteAPasswordThatSignsIn() throws Exception {
        String password =
                Files.readString(clipflow.dataDir().resolve("admin-password")).strip();
        assertThat(Files.getPosixFilePermissions(clipflow.dataDir().resolve("admin-password")))
                .hasSize(2);
        PageClient browser = new PageClient(base());
        assertThat(location(browser.signIn("admin", password))).endsWith("/ui");
        assertThat(browser.get("/ui").body()).contains("id=\"queues\"");
    }

    private static String location(HttpResponse<String> reply) {
        return reply.headers().firstValue("Location").orElse("(no redirect: " + reply.statusCode() + ")");
    }
}
