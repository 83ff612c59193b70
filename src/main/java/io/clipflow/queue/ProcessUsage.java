package io.clipflow.queue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This process's resource usage in the shape of {@code getrusage(RUSAGE_SELF)}, which Celery's {@code inspect stats}
 * reports as {@code rusage}: from Linux's {@code /proc/self/stat}, {@code status} and {@code io}; elsewhere only the
 * CPU time the JVM knows, as {@code utime}.
 */
final class ProcessUsage {

    /** Linux's {@code USER_HZ}: {@code /proc} counts CPU time in ticks of 1/100 s on every architecture it runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessUsage() {}

    static Map<String, Object> read() {
        try {
            return fromProc(
                    Files.readString(Path.of("/proc/self/stat")),
                    Files.readString(Path.of("/proc/self/status")),
                    Files.exists(Path.of("/proc/self/io")) ? Files.readString(Path.of("/proc/self/io")) : "");
        } catch (IOException | RuntimeException e) {
            Map<String, Object> out = empty();
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                out.put("utime", os.getProcessCpuTime() / 1e9);
            }
            return out;
        }
    }

    /** This process's resident memory now (VmRSS), 0 where /proc is not there. */
    static long rssBytes() {
        try {
            return field(Files.readString(Path.of("/proc/self/status")), "VmRSS:") * 1024;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The rusage fields from the texts of {@code /proc/self/stat}, {@code status} and {@code io}. */
    static Map<String, Object> fromProc(String stat, String status, String io) {
        // the command name in parentheses may hold spaces: fields are counted from its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // after ")": state(3) ppid pgrp session tty tpgid flags minflt(10) cminflt majflt(12) cmajflt utime(14) stime
        Map<String, Object> out = empty();
        out.put("utime", Long.parseLong(f[11]) / TICKS_PER_SECOND);
        out.put("stime", Long.parseLong(f[12]) / TICKS_PER_SECOND);
        out.put("maxrss", field(status, "VmHWM:"));
        out.put("minflt", Long.parseLong(f[7]));
        out.put("majflt", Long.parseLong(f[9]));
        // getrusage counts 512-byte blocks
        out.put("inblock", field(io, "read_bytes:") / 512);
        out.put("oublock", field(io, "write_bytes:") / 512);
        out.put("nvcsw", field(status, "voluntary_ctxt_switches:"));
        out.put("nivcsw", field(status, "nonvoluntary_ctxt_switches:"));
        return out;
    }

    private static Map<String, Object> empty() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : new String[] {
            "utime",
            "stime",
            "maxrss",
            "ixrss",
            "idrss",
            "isrss",
            "minflt",
            "majflt",
            "nswap",
            "inblock",
            "oublock",
            "msgsnd",
            "msgrcv",
            "nsignals",
            "nvcsw",
            "nivcsw"
        }) {
            out.put(key, 0);
        }
        out.put("utime", 0.0);
        out.put("stime", 0.0);
        return out;
    }

    /** The first number after {@code name} at a line's start, 0 when absent. */
    private static long field(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name)) {
                String[] parts = line.substring(name.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        return 0;
    }
}
