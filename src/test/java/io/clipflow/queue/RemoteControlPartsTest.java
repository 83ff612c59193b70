package io.clipflow.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pieces of remote control that need no Redis: Celery's rate and signal syntax, rusage from /proc, settings. */
class RemoteControlPartsTest {

    @Test
    void ratesReadAsCeleryReadsThem() {
        assertThat(TaskRateLimits.perSecond("10/s")).isEqualTo(10.0);
        assertThat(TaskRateLimits.perSecond("30/m")).isEqualTo(0.5);
        assertThat(TaskRateLimits.perSecond("36/h")).isEqualTo(0.01);
        assertThat(TaskRateLimits.perSecond("4")).isEqualTo(4.0);
        assertThat(TaskRateLimits.perSecond("")).isZero();
        assertThat(TaskRateLimits.perSecond("0")).isZero();
        assertThatThrownBy(() -> TaskRateLimits.perSecond("abc"))
                .isInstanceOf(TaskRateLimits.InvalidRate.class)
                .hasMessage("could not convert string to float: 'abc'");
        assertThatThrownBy(() -> TaskRateLimits.perSecond("1/d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("d");
    }

    @Test
    void aRateLimitSpacesStartsAndZeroRemovesIt() {
        TaskRateLimits limits = new TaskRateLimits();
        assertThat(limits.set("t", "20/s")).isTrue();
        assertThat(limits.of("t")).isEqualTo("20/s");
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            limits.await("t", () -> true);
        }
        // the first at once, then one every 50 ms
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(95));
        assertThat(limits.set("t", "0")).isFalse();
        assertThat(limits.of("t")).isNull();
    }

    @Test
    void signalsAreTermOrKillByCeleryNames() {
        assertThat(ControlPanel.signum(null)).isEqualTo(15);
        assertThat(ControlPanel.signum("SIGTERM")).isEqualTo(15);
        assertThat(ControlPanel.signum("term")).isEqualTo(15);
        assertThat(ControlPanel.signum("KILL")).isEqualTo(9);
        assertThat(ControlPanel.signum("9")).isEqualTo(9);
        assertThatThrownBy(() -> ControlPanel.signum("USR1")).hasMessageContaining("TERM or KILL");
    }

    @Test
    void rusageComesFromProc() {
        String stat = "4588 (java (main)) S 4585 4585 25740 0 -1 4194304 123 7 2 0 250 40 0 0 20 0 1 0 695040";
        String status =
                "Name:\tjava\nVmHWM:\t  204800 kB\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n";
        String io = "rchar: 1\nread_bytes: 1024\nwrite_bytes: 4096\n";
        Map<String, Object> r = ProcessUsage.fromProc(stat, status, io);
        assertThat(r)
                .containsEntry("utime", 2.5)
                .containsEntry("stime", 0.4)
                .containsEntry("maxrss", 204800L)
                .containsEntry("minflt", 123L)
                .containsEntry("majflt", 2L)
                .containsEntry("inblock", 2L)
                .containsEntry("oublock", 8L)
                .containsEntry("nvcsw", 12L)
                .containsEntry("nivcsw", 3L);
        assertThat(r.keySet()).hasSize(16);
        assertThat(ProcessUsage.read().get("utime")).isInstanceOf(Double.class);
    }

    @Test
    void theAllowListNamesOnlyCommandsThatChangeANode() {
        assertThat(new CeleryWorkerProperties.Control(Set.of("shutdown")).allow())
                .containsExactly("shutdown");
        assertThatThrownBy(() -> new CeleryWorkerProperties.Control(Set.of("ping")))
                .hasMessageContaining("[ping]");
        CeleryWorkerProperties defaults = new CeleryWorkerProperties(
                "",
                true,
                new CeleryWorkerProperties.Control(Set.of()),
                new CeleryWorkerProperties.Events(false, false, true, Duration.ofSeconds(2)));
        assertThat(defaults.hostnameFor("node-1")).isEqualTo("celery@node-1");
    }
}
