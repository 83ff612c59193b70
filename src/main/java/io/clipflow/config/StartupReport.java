package io.clipflow.config;

import io.clipflow.media.FfmpegTools;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** One line at startup saying what this node runs on: database, Redis, FFmpeg, routes. */
@Component
class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final DataSource dataSource;
    private final FfmpegTools ffmpeg;
    private final CamelContext camel;
    private final ClipflowProperties properties;
    private final Environment env;

    StartupReport(
            DataSource dataSource,
            FfmpegTools ffmpeg,
            CamelContext camel,
            ClipflowProperties properties,
            Environment env) {
        this.dataSource = dataSource;
        this.ffmpeg = ffmpeg;
        this.camel = camel;
        this.properties = properties;
        this.env = env;
    }

    @EventListener(ApplicationReadyEvent.class)
    void report() {
        log.info(
                "Clipflow node {} ready on port {}: db={} | redis={} | ffmpeg {} ({}) | {} routes from {} | data in {}",
                properties.nodeName(),
                env.getProperty("local.server.port", env.getProperty("server.port", "8080")),
                database(),
                env.getProperty(EmbeddedRedisInitializer.STATUS_PROPERTY, "?"),
                ffmpeg.version(),
                ffmpeg.ffmpegPath(),
                camel.getRoutesSize(),
                env.getProperty("clipflow.routes-dir"),
                properties.dataDir().toAbsolutePath().normalize());
    }

    private String database() {
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " " + meta.getURL();
        } catch (SQLException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }
}
