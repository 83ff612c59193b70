package io.clipflow.ops;

import io.clipflow.storage.MediaStore;
import java.io.File;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/** Health component {@code mediaDisk}: free space where uploads and HLS output are written, not the working dir's. */
@Component("mediaDisk")
class MediaDiskHealthIndicator extends AbstractHealthIndicator {

    private final MediaStore store;
    private final OpsProperties properties;

    MediaDiskHealthIndicator(MediaStore store, OpsProperties properties) {
        super("media disk space check failed");
        this.store = store;
        this.properties = properties;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        File root = store.root().toFile();
        long free = root.getUsableSpace();
        long threshold = properties.mediaDiskMinFree().toBytes();
        (free >= threshold ? builder.up() : builder.down())
                .withDetail("path", root.getAbsolutePath())
                .withDetail("total", root.getTotalSpace())
                .withDetail("free", free)
                .withDetail("threshold", threshold);
    }
}
