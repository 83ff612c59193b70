package io.clipflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.IntegrationTestBase;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** A user opens the dashboard in headless Chromium, signs in, sees the status line, and signs out. */
class SignInBrowserIT extends IntegrationTestBase {

    @Test
    void signsInSeesTheStatusLineAndSignsOut() {
        Account admin = newAccount(Role.ADMIN);
        try (Browser browser = Browser.open(base())) {
            browser.go("/");
            assertThat(browser.path()).isEqualTo("/login");

            browser.signIn(admin.username(), admin.password());
            assertThat(browser.path()).isEqualTo("/ui");
            assertThat(browser.find(By.id("signed-in-user")).getText()).isEqualTo(admin.username());
            assertThat(browser.find(By.id("signed-in-role")).getText()).isEqualTo("ADMIN");

            // the status line is filled by htmx from /ui/status: proof the scripts ran under the page's CSP
            browser.waitUntil(d -> !d.findElements(By.cssSelector("#status-line [data-part='Redis']"))
                    .isEmpty());
            assertThat(browser.find(By.cssSelector("#status-line [data-part='Redis']"))
                            .getAttribute("data-state"))
                    .isEqualTo("up");
            assertThat(browser.find(By.cssSelector("#status-line [data-part='Database']"))
                            .getAttribute("data-state"))
                    .isEqualTo("up");
            assertThat(browser.find(By.cssSelector("#status-line [data-part='FFmpeg']"))
                            .getAttribute("data-state"))
                    .isEqualTo("up");
            assertThat(browser.find(By.cssSelector("#status-line [data-part='Nodes'] b"))
                            .getText())
                    .isNotEqualTo("0");
            assertThat(browser.find(By.id("queues")).getText()).contains("video");
            browser.screenshot("overview");
            assertThat(browser.consoleErrors())
                    .as("no script errors or CSP violations")
                    .isEmpty();

            browser.find(By.id("sign-out")).click();
            browser.waitUntil(d -> browser.path().startsWith("/login"));
            assertThat(browser.find(By.id("notice")).getText()).contains("signed out");
            browser.go("/ui");
            assertThat(browser.path()).isEqualTo("/login");
        }
    }

    @Test
    void showsAWrongPasswordOnTheSignInPage() {
        Account alice = newAccount(Role.USER);
        try (Browser browser = Browser.open(base())) {
            browser.signIn(alice.username(), "not-alices-password");
            assertThat(browser.path()).isEqualTo("/login?error");
            assertThat(browser.find(By.id("problem")).getText()).isEqualTo("Wrong user name or password.");
            browser.screenshot("sign-in");
        }
    }
}
