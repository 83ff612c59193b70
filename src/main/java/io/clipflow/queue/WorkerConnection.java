package io.clipflow.queue;

import io.clipflow.config.WorkerConnections;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A worker thread's own Redis connection ({@link WorkerConnections}), kept for the thread's life: its take, blocking
 * wait and finish are written and read by the thread itself, one round trip each, with no other thread in between.
 * One per thread ({@link ReliableQueue#connection()}), closed when the thread ends; the connection is opened on first
 * use, and a call that fails closes it so that the next call starts on a new one.
 */
final class WorkerConnection implements AutoCloseable {

    private final WorkerConnections connections;
    private RedisConnection connection;

    WorkerConnection(WorkerConnections connections) {
        this.connections = connections;
    }

    private RedisConnection connection() {
        if (connection == null) {
            connection = connections.open();
        }
        return connection;
    }

    /** BLMOVE from the right of {@code from} to the left of {@code to}; null when nothing came within the timeout. */
    String move(String from, String to, Duration timeout) {
        try {
            byte[] raw = connection()
                    .listCommands()
                    .bLMove(bytes(from), bytes(to), Direction.RIGHT, Direction.LEFT, timeout.toMillis() / 1000.0);
            return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            close(); // the next call starts on a new connection
            throw e;
        }
    }

    /** Runs a script that replies with a list by its SHA1 (sending its text once when Redis does not know it). */
    List<?> run(RedisScript<List> script, List<String> scriptKeys, String... args) {
        return (List<?>) run(script, ReturnType.MULTI, scriptKeys, args);
    }

    /** Runs a script by its SHA1, sending its text once when Redis does not know it (after a restart). */
    Object run(RedisScript<?> script, ReturnType type, List<String> scriptKeys, String... args) {
        byte[][] keysAndArgs = new byte[scriptKeys.size() + args.length][];
        for (int i = 0; i < scriptKeys.size(); i++) {
            keysAndArgs[i] = bytes(scriptKeys.get(i));
        }
        for (int i = 0; i < args.length; i++) {
            keysAndArgs[scriptKeys.size() + i] = bytes(args[i]);
        }
        try {
            Object reply;
            try {
                reply = connection()
                        .scriptingCommands()
                        .evalSha(script.getSha1(), type, scriptKeys.size(), keysAndArgs);
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("NOSCRIPT")) {
                    throw e;
                }
                reply = connection()
                        .scriptingCommands()
                        .eval(bytes(script.getScriptAsString()), type, scriptKeys.size(), keysAndArgs);
            }
            return reply;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException e) {
                // already broken; nothing to hand back
            }
            connection = null;
        }
    }
}
