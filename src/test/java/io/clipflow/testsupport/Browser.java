package io.clipflow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver, both paths given so Selenium Manager never runs,
 * with the flags that keep Chromium from calling outside hosts and a fresh profile folder under target/. Skips the test
 * (an assumption) on a machine without them; {@code .ci/run} and {@code ./clipflow test} install them.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final WebDriver driver;
    private final String base;
    private final Path profile;

    private Browser(WebDriver driver, String base, Path profile) {
        this.driver = driver;
        this.base = base;
        this.profile = profile;
    }

    /** A new browser for the app at {@code base} (e.g. http://127.0.0.1:8080). */
    public static Browser open(String base) {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no /usr/bin/chromium or /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        try {
            Path profile = Files.createDirectories(Path.of("target", "browser-profiles"));
            profile = Files.createTempDirectory(profile, "chromium-");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-default-apps",
                    "--disable-extensions",
                    "--metrics-recording-only",
                    "--autoplay-policy=no-user-gesture-required",
                    "--window-size=1360,900",
                    "--user-data-dir=" + profile.toAbsolutePath());
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            options.setExperimentalOption("prefs", Map.of("credentials_enable_service", false));
            return new Browser(new ChromeDriver(service, options), base, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens a path of the app (e.g. {@code /ui}). */
    public Browser go(String path) {
        driver.get(base + path);
        return this;
    }

    public String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(base) ? url.substring(base.length()) : url;
    }

    /** Signs in through the sign-in form and waits for the page after it. */
    public Browser signIn(String username, String password) {
        go("/login");
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("sign-in-button")).click();
        waitUntil(d -> !path().startsWith("/login")
                || !d.findElements(By.id("problem")).isEmpty());
        return this;
    }

    /** Clicks something that loads a new page, and waits until the old page is gone (not just until it matches). */
    public Browser clickAndLoad(WebElement element) {
        WebElement page = driver.findElement(By.tagName("html"));
        element.click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.stalenessOf(page));
        return this;
    }

    public WebElement find(By by) {
        return driver.findElement(by);
    }

    /** The element once it is visible (10 s at most). */
    public WebElement await(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public <T> T waitUntil(java.util.function.Function<WebDriver, T> condition) {
        return waitUntil(Duration.ofSeconds(10), condition);
    }

    public <T> T waitUntil(Duration timeout, java.util.function.Function<WebDriver, T> condition) {
        // pages swap parts of themselves (htmx): an element gone between finding and reading it is looked up again
        return new WebDriverWait(driver, timeout)
                .ignoring(StaleElementReferenceException.class)
                .until(condition::apply);
    }

    /** What the page logged as errors: script errors, refused loads, and CSP violations. */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    /** A PNG of the window under target/screenshots/ (docs/screenshots/ holds the chosen ones). */
    public Path screenshot(String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            Path file = dir.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a profile left under target/ is cleaned by the next mvn clean
            }
        }
    }
}
