package io.clipflow.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Which external process each running task waits on, so a supervisor can stop a task's FFmpeg (soft or hard time
 * limit, revoke, shutdown) without interrupting the thread itself: an interrupt can also land in database or Redis I/O
 * and break a connection, while stopping the process just makes {@link FfmpegRunner#run} return.
 *
 * <p>A task opens a {@link Scope} on the thread that runs it; every process {@link FfmpegRunner} starts on that thread
 * belongs to the scope until it exits. A stop reaches the process running now and every process the task starts after
 * it, so a stop that lands between two stages ends the next stage as soon as it starts.
 */
@Component
public class RunningProcesses {

    private final Map<Thread, Scope> byThread = new ConcurrentHashMap<>();

    /** Opens the scope of the task the calling thread is about to run; close it when the task ends. */
    public Scope open() {
        Scope scope = new Scope(Thread.currentThread());
        byThread.put(scope.thread, scope);
        return scope;
    }

    /**
     * Work the calling thread's task waits on that is not a process (an LLM provider's stream): {@code cancel} runs
     * when the task is stopped (time limit, revoke, shutdown), at once if it already was. Returns what detaches it;
     * outside a task it never runs.
     */
    public AutoCloseable whenStopped(Runnable cancel) {
        Scope scope = byThread.get(Thread.currentThread());
        if (scope == null) {
            return () -> {};
        }
        scope.hook(cancel);
        return () -> scope.unhook(cancel);
    }

    void started(Process process) {
        Scope scope = byThread.get(Thread.currentThread());
        if (scope != null) {
            scope.attach(process);
        }
    }

    void ended(Process process) {
        Scope scope = byThread.get(Thread.currentThread());
        if (scope != null) {
            scope.detach(process);
        }
    }

    /** The processes of one task. */
    public final class Scope implements AutoCloseable {

        private final Thread thread;
        private Process process;
        private final List<Runnable> hooks = new ArrayList<>();
        private boolean stopped;
        private boolean forced;
        private boolean closed;

        private Scope(Thread thread) {
            this.thread = thread;
        }

        /**
         * SIGTERM to the process the task waits on and its descendants (ffmpeg then finalizes and exits), and to every
         * process the task starts from now on.
         *
         * @return whether a process was running and got the signal
         */
        public boolean terminate() {
            return stop(false);
        }

        /** Like {@link #terminate}, with SIGKILL. */
        public boolean kill() {
            return stop(true);
        }

        private synchronized boolean stop(boolean force) {
            if (closed) {
                return false;
            }
            stopped = true;
            forced |= force;
            boolean reached = !hooks.isEmpty();
            hooks.forEach(Runnable::run);
            if (process == null) {
                return reached;
            }
            signal(process, force);
            return true;
        }

        private synchronized void hook(Runnable cancel) {
            if (closed) {
                return;
            }
            hooks.add(cancel);
            if (stopped) {
                cancel.run();
            }
        }

        private synchronized void unhook(Runnable cancel) {
            hooks.remove(cancel);
        }

        private synchronized void attach(Process started) {
            if (closed) {
                return;
            }
            process = started;
            if (stopped) {
                signal(started, forced);
            }
        }

        private synchronized void detach(Process ended) {
            if (process == ended) {
                process = null;
            }
        }

        /** The task has ended: later stops are ignored, and the thread's next task gets a scope of its own. */
        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                process = null;
                hooks.clear();
            }
            byThread.remove(thread, this);
        }
    }

    private static void signal(Process process, boolean force) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(force ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
    }
}
