package io.clipflow.security;

import io.clipflow.config.ClipflowProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Makes sure an admin can sign in: the token from {@code CLIPFLOW_ADMIN_TOKEN} when given; otherwise, on the first start,
 * a generated one, printed once and written to {@code <data-dir>/admin-token} (mode 600). Likewise the dashboard
 * password: {@code CLIPFLOW_ADMIN_PASSWORD} when given, otherwise a generated one when the admin has none, written to
 * {@code <data-dir>/admin-password} and shown on the console only (never through the logger, so log files and log
 * shippers never see it).
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final TokenService tokens;
    private final Passwords passwords;
    private final SecurityProperties properties;
    private final ClipflowProperties clipflow;

    AdminBootstrap(
            TokenService tokens, Passwords passwords, SecurityProperties properties, ClipflowProperties clipflow) {
        this.tokens = tokens;
        this.passwords = passwords;
        this.properties = properties;
        this.clipflow = clipflow;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        boolean fresh = tokens.findUser(properties.adminUsername()).isEmpty();
        ClipflowUser admin = tokens.findUser(properties.adminUsername())
                .orElseGet(() -> tokens.createUser(properties.adminUsername(), Role.ADMIN));
        password(admin);
        if (!properties.adminToken().isBlank()) {
            tokens.ensure(admin.id(), "CLIPFLOW_ADMIN_TOKEN", properties.adminToken());
            return;
        }
        if (fresh) {
            String token = tokens.issue(admin.id(), "bootstrap").token();
            Path file = writePrivate("admin-token", token);
            log.warn(
                    "Created user '{}' with API token {} (shown once; also in {})",
                    admin.username(),
                    token,
                    file.toAbsolutePath().normalize());
        }
    }

    private void password(ClipflowUser admin) throws IOException {
        if (!properties.adminPassword().isBlank()) {
            Passwords.problem(properties.adminPassword()).ifPresent(p -> {
                throw new IllegalStateException("CLIPFLOW_ADMIN_PASSWORD: " + p);
            });
            passwords.ensure(admin.id(), properties.adminPassword());
            return;
        }
        if (passwords.hasPassword(admin.id())) {
            return;
        }
        String password = passwords.generate();
        passwords.set(admin.id(), password);
        Path file = writePrivate("admin-password", password);
        log.warn(
                "Set a dashboard password for user '{}': it is in {} (and on the console), or set CLIPFLOW_ADMIN_PASSWORD",
                admin.username(),
                file.toAbsolutePath().normalize());
        if (System.console() != null) {
            System.console().printf("%nDashboard sign-in: user %s, password %s%n%n", admin.username(), password);
        }
    }

    private Path writePrivate(String name, String secret) throws IOException {
        Path file = clipflow.dataDir().resolve(name);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }
}
