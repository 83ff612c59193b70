package io.clipflow.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's cumulative disk and network byte counters from {@code /proc} (what psutil's disk_io_counters and
 * net_io_counters read for the seeds' monitoring tasks); zero where {@code /proc} is missing (not Linux).
 *
 * @param diskReadBytes bytes read from whole disks (partitions are not counted twice)
 * @param diskWrittenBytes bytes written to whole disks
 * @param netReceivedBytes bytes received on every interface but loopback
 * @param netSentBytes bytes sent on every interface but loopback
 */
record SystemCounters(long diskReadBytes, long diskWrittenBytes, long netReceivedBytes, long netSentBytes) {

    private static final long SECTOR = 512; // /proc/diskstats counts 512-byte sectors whatever the device's own size

    static SystemCounters read(Path proc, Path sysBlock) {
        long read = 0;
        long written = 0;
        long rx = 0;
        long tx = 0;
        for (String line : lines(proc.resolve("diskstats"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !isWholeDisk(sysBlock, f[2])) {
                continue;
            }
            read += Long.parseLong(f[5]) * SECTOR;
            written += Long.parseLong(f[9]) * SECTOR;
        }
        for (String line : lines(proc.resolve("net/dev"))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (name.equals("lo") || f.length < 9) {
                continue;
            }
            rx += Long.parseLong(f[0]);
            tx += Long.parseLong(f[8]);
        }
        return new SystemCounters(read, written, rx, tx);
    }

    /** Counters since {@code earlier}; a reboot (counters went down) counts from zero. */
    SystemCounters since(SystemCounters earlier) {
        return new SystemCounters(
                delta(diskReadBytes, earlier.diskReadBytes),
                delta(diskWrittenBytes, earlier.diskWrittenBytes),
                delta(netReceivedBytes, earlier.netReceivedBytes),
                delta(netSentBytes, earlier.netSentBytes));
    }

    private static long delta(long now, long before) {
        return now >= before ? now - before : now;
    }

    private static boolean isWholeDisk(Path sysBlock, String device) {
        if (device.startsWith("loop") || device.startsWith("ram") || device.startsWith("zram")) {
            return false;
        }
        // /sys/block lists whole disks only; without it, fall back to "not a partition name"
        return Files.isDirectory(sysBlock) ? Files.exists(sysBlock.resolve(device)) : !device.matches(".*\\d+p?\\d*$");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.isReadable(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
