package io.clipflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The other systems: Python Celery (Debian's, /usr/bin/python3), BullMQ on Node, redis-benchmark. */
final class Peers {

    static final String PYTHON = "/usr/bin/python3";

    private final Bench bench;
    private final PrivateRedis redis;
    final boolean celery;
    final boolean bullmq;

    Peers(Bench bench, PrivateRedis redis) {
        this.bench = bench;
        this.redis = redis;
        this.celery = bench.systems.contains("celery") && works(List.of(PYTHON, "-c", "import celery, redis"));
        this.bullmq = bench.systems.contains("bullmq") && Files.isDirectory(Bench.PEERS.resolve("node_modules/bullmq")) && works(List.of("node", "--version"));
        if (!celery && bench.systems.contains("celery")) {
            bench.results.notes.add("Celery rows missing: /usr/bin/python3 cannot import celery (apt-get install"
                    + " python3-celery python3-redis)");
        }
        if (!bullmq && bench.systems.contains("bullmq")) {
            bench.results.notes.add("BullMQ rows missing: no Node.js or `npm install` in bench/peers failed");
        }
    }

    private static boolean works(List<String> command) {
        try {
            Proc.run(command, Bench.ROOT, Map.of(), Duration.ofSeconds(30));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        if (celery) {
            v.put("celery", Proc.run(
                            List.of(PYTHON, "-c", "import celery, sys; print(celery.__version__, sys.version.split()[0])"),
                            Bench.ROOT,
                            Map.of(),
                            Duration.ofSeconds(30))
                    .strip()
                    .replace(" ", " on Python "));
        }
        if (bullmq) {
            String node = Proc.run(List.of("node", "--version"), Bench.ROOT, Map.of(), Duration.ofSeconds(30))
                    .strip();
            try {
                JsonNode pkg = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(Bench.PEERS.resolve("node_modules/bullmq/package.json").toFile());
                v.put("bullmq", pkg.path("version").asText() + " on Node " + node);
            } catch (java.io.IOException e) {
                v.put("bullmq", "? on Node " + node);
            }
        }
        return v;
    }

    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BENCH_REDIS_URL", redis.url());
        env.put("BENCH_REDIS_HOST", "127.0.0.1");
        env.put("BENCH_REDIS_PORT", Integer.toString(redis.port));
        return env;
    }

    /** A Celery worker on the bench queue: {@code prefork} or {@code threads} pool. */
    Proc celeryWorker(String pool, int concurrency) {
        return Proc.start(
                "celery-" + pool + "-" + concurrency,
                List.of(
                        PYTHON,
                        "-m",
                        "celery",
                        "-A",
                        "celery_app",
                        "worker",
                        "-P",
                        pool,
                        "-c",
                        Integer.toString(concurrency),
                        "-Q",
                        CeleryWire.QUEUE,
                        "--without-heartbeat",
                        "--without-gossip",
                        "--without-mingle",
                        "-l",
                        "warning"),
                Bench.PEERS,
                env(),
                bench.work);
    }

    JsonNode celeryEnqueue(String mode, int n) {
        return Bench.lastJson(Proc.run(
                List.of(PYTHON, "celery_enqueue.py", "--mode", mode, "--tasks", Integer.toString(n)),
                Bench.PEERS,
                env(),
                Duration.ofMinutes(10)));
    }

    JsonNode bullmq(String... args) {
        List<String> command = new ArrayList<>(List.of("node", "bullmq_peer.mjs"));
        command.addAll(List.of(args));
        return Bench.lastJson(Proc.run(command, Bench.PEERS, env(), Duration.ofMinutes(10)));
    }

    /** redis-benchmark requests per second for LPUSH and RPOP, with the given pipeline depth. */
    Map<String, Double> redisBenchmark(int pipeline, int requests) {
        String out = Proc.run(
                List.of(
                        "redis-benchmark",
                        "-p",
                        Integer.toString(redis.port),
                        "-t",
                        "lpush,rpop",
                        "-n",
                        Integer.toString(requests),
                        "-P",
                        Integer.toString(pipeline),
                        "-q"),
                Bench.ROOT,
                Map.of(),
                Duration.ofMinutes(5));
        Map<String, Double> rates = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(LPUSH|RPOP)[^:]*:\\s*([0-9.]+) requests per second").matcher(out);
        while (m.find()) {
            rates.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        redis.connection.sync().del("mylist");
        return rates;
    }
}
