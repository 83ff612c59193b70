package io.clipflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemCountersTest {

    @TempDir
    Path root;

    @Test
    void countsWholeDisksOnceAndEveryInterfaceButLoopback() throws IOException {
        Path proc = Files.createDirectories(root.resolve("proc/net"));
        Path sysBlock = Files.createDirectories(root.resolve("sys/block/sda"));
        Files.writeString(
                proc.getParent().resolve("diskstats"),
                """
                   8       0 sda 100 0 10 0 50 0 20 0 0 0 0
                   8       1 sda1 90 0 9 0 40 0 18 0 0 0 0
                   7       0 loop0 5 0 1000 0 0 0 0 0 0 0 0
                """);
        Files.writeString(
                proc.resolve("dev"),
                """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo: 999 1 0 0 0 0 0 0 999 1 0 0 0 0 0 0
                  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0
                  eth1: 1 1 0 0 0 0 0 0 2 1 0 0 0 0 0 0
                """);
        SystemCounters c = SystemCounters.read(proc.getParent(), sysBlock.getParent());
        assertThat(c).isEqualTo(new SystemCounters(10 * 512, 20 * 512, 1001, 2002));
    }

    @Test
    void deltaSinceTheLastSnapshotRestartsFromZeroAfterAReboot() {
        SystemCounters before = new SystemCounters(100, 100, 100, 100);
        assertThat(new SystemCounters(150, 100, 130, 400).since(before)).isEqualTo(new SystemCounters(50, 0, 30, 300));
        assertThat(new SystemCounters(7, 8, 9, 10).since(before)).isEqualTo(new SystemCounters(7, 8, 9, 10));
    }
}
