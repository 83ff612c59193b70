package io.clipflow.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Which external process each thread is waiting on, so a supervisor can stop a task's FFmpeg (soft or hard time
 * limit, revoke, shutdown) without interrupting the thread itself: an interrupt can also land in database or Redis I/O
 * and break a connection, while stopping the process just makes {@link FfmpegRunner#run} return.
 */
@Component
public class RunningProcesses {

    private final Map<Thread, Process> byThread = new ConcurrentHashMap<>();

    void started(Process process) {
        byThread.put(Thread.currentThread(), process);
    }

    void ended(Process process) {
        byThread.remove(Thread.currentThread(), process);
    }

    /** SIGTERM to the process the thread waits on and its descendants (ffmpeg then finalizes and exits). */
    public boolean terminate(Thread thread) {
        return signal(thread, false);
    }

    /** SIGKILL to the process the thread waits on and its descendants. */
    public boolean kill(Thread thread) {
        return signal(thread, true);
    }

    private boolean signal(Thread thread, boolean force) {
        Process process = byThread.get(thread);
        if (process == null) {
            return false;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(force ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
        return true;
    }
}
