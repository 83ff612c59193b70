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
 * a generated one, printed once and written to {@code <data-dir>/admin-token} (mode 600).
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final TokenService tokens;
    private final SecurityProperties properties;
    private final ClipflowProperties clipflow;

    AdminBootstrap(TokenService tokens, SecurityProperties properties, ClipflowProperties clipflow) {
        this.tokens = tokens;
        this.properties = properties;
        this.clipflow = clipflow;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        boolean fresh = tokens.findUser(properties.adminUsername()).isEmpty();
        ClipflowUser admin = tokens.findUser(properties.adminUsername())
                .orElseGet(() -> tokens.createUser(properties.adminUsername(), Role.ADMIN));
        if (!properties.adminToken().isBlank()) {
            tokens.ensure(admin.id(), "CLIPFLOW_ADMIN_TOKEN", properties.adminToken());
            return;
        }
        if (fresh) {
            String token = tokens.issue(admin.id(), "bootstrap").token();
            Path file = clipflow.dataDir().resolve("admin-token");
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            log.warn(
                    "Created user '{}' with API token {} (shown once; also in {})",
                    admin.username(),
                    token,
                    file.toAbsolutePath().normalize());
        }
    }
}
