package io.clipflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.queue.BenchProducer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** Scenarios 1, 2, 3 and 5: drain throughput, enqueue rate, pick-up latency and worker memory. */
final class Queues {

    /** A Clipflow worker configuration measured in the drain. */
    record Config(String label, int concurrency, List<String> args) {}

    /**
     * Defaults (STARTED stored, live task events, a history row for owned and failed tasks); that with a history row
     * for every task; and defaults without live task events, which is what Celery does by default (no events without
     * {@code -E}, no database row per task).
     */
    static final List<Config> CONFIGS = List.of(
            new Config("concurrency 16, defaults", 16, List.of()),
            new Config("concurrency 16, results.history=all", 16, List.of("--clipflow.results.history=all")),
            new Config(
                    "concurrency 16, no task events (Celery's defaults)",
                    16,
                    List.of("--clipflow.queues.celery.events=false")));

    /** Drains not counted before the measured ones: the JIT compiles the hot path during the first ~100,000 tasks. */
    static final int CLIPFLOW_WARMUP_DRAINS = 5;

    private final Bench bench;
    private final PrivateRedis redis;
    private final Peers peers;
    private final CeleryWire wire;
    private int runs;

    Queues(Bench bench, PrivateRedis redis, Peers peers) {
        this.bench = bench;
        this.redis = redis;
        this.peers = peers;
        this.wire = new CeleryWire(redis);
    }

    void run() {
        if (bench.only.contains("enqueue")) {
            enqueue();
        }
        Bench.Results r = bench.results;
        boolean first = true;
        List<Config> configs = System.getenv("BENCH_ONE_CONFIG") != null ? CONFIGS.subList(0, 1) : CONFIGS;
        for (Config config : bench.systems.contains("clipflow") ? configs : List.<Config>of()) {
            List<String> args = new ArrayList<>(
                    List.of("worker", "--queues", "celery", "--concurrency", Integer.toString(config.concurrency())));
            args.addAll(config.args());
            try (Proc node = bench.clipflow("clipflow-c" + config.concurrency() + "-" + runs++, redis, args)) {
                if (first && bench.only.contains("memory")) {
                    Bench.sleep(5000);
                    r.add("memory", "Clipflow worker", "idle, 5 s after start", "MiB RSS", List.of(node.rssMib()), false);
                }
                if (bench.only.contains("drain") || (first && bench.only.contains("memory"))) {
                    double[] peak = {0};
                    redis.connection.sync().configResetstat();
                    List<Double> rates = drain(node, peak, CLIPFLOW_WARMUP_DRAINS);
                    commandStats("Clipflow " + config.label(), (bench.reps + CLIPFLOW_WARMUP_DRAINS) * bench.tasks);
                    r.add("drain", "Clipflow", config.label(), "tasks/s", rates, true);
                    if (first && bench.only.contains("memory")) {
                        r.add("memory", "Clipflow worker", "peak during the drains", "MiB RSS", List.of(peak[0]), false);
                        million(node);
                    }
                }
                if (first && bench.only.contains("latency")) {
                    if (!bench.only.contains("drain")) {
                        drain(node, null, CLIPFLOW_WARMUP_DRAINS); // a warm JVM, as a worker that has been running
                    }
                    awaitQuiet(node); // "an idle worker": the drains' history rows are written, the JIT is done
                    latency("Clipflow", config.label(), true);
                }
            }
            first = false;
        }
        markBestClipflow();
        if (bench.only.contains("drain") || bench.only.contains("latency")) {
            celery("prefork", 2);
            celery("threads", 8);
        }
        if (peers.bullmq) {
            if (bench.only.contains("drain")) {
                for (int c : new int[] {50, 1}) {
                    List<Double> rates = new ArrayList<>();
                    peers.bullmq("drain", "--jobs", Integer.toString(Math.min(bench.tasks, 5000)), "--concurrency", "" + c);
                    for (int i = 0; i < bench.reps; i++) {
                        rates.add(peers.bullmq("drain", "--jobs", Integer.toString(bench.tasks), "--concurrency", "" + c)
                                .path("rate")
                                .asDouble());
                    }
                    r.add("drain", "BullMQ", "concurrency " + c, "tasks/s", rates, true);
                }
            }
            if (bench.only.contains("latency")) {
                List<Double> p50 = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                for (int i = 0; i < bench.reps; i++) {
                    JsonNode j = peers.bullmq("latency", "--jobs", "200");
                    p50.add(j.path("p50_ms").asDouble());
                    p99.add(j.path("p99_ms").asDouble());
                }
                r.add("latency", "BullMQ", "p50, concurrency 1", "ms", p50, false);
                r.add("latency", "BullMQ ", "p99, concurrency 1", "ms", p99, false);
            }
        }
        if (bench.only.contains("drain") && bench.systems.contains("redis")) {
            Map<String, Double> plain = peers.redisBenchmark(1, 200_000);
            Map<String, Double> piped = peers.redisBenchmark(16, 1_000_000);
            r.add("drain", "redis-benchmark", "RPOP, 1 deep", "tasks/s", List.of(plain.get("RPOP")), true);
            r.add("drain", "redis-benchmark", "RPOP, 16 deep pipeline", "tasks/s", List.of(piped.get("RPOP")), true);
            if (bench.only.contains("enqueue")) {
                r.add("enqueue", "redis-benchmark", "LPUSH, 1 deep", "tasks/s", List.of(plain.get("LPUSH")), true);
                r.add("enqueue", "redis-benchmark", "LPUSH, 16 deep", "tasks/s", List.of(piped.get("LPUSH")), true);
            }
        }
    }

    /** Redis time per task by command (INFO commandstats), to say where Redis's share of the time goes. */
    private void commandStats(String label, int tasks) {
        String info = redis.connection.sync().info("commandstats");
        List<String> parts = new ArrayList<>();
        double total = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_(\\w+):calls=(\\d+),usec=(\\d+)")
                .matcher(info);
        List<double[]> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (m.find()) {
            double usec = Double.parseDouble(m.group(3));
            total += usec;
            names.add(m.group(1));
            rows.add(new double[] {usec / tasks, Double.parseDouble(m.group(2)) / tasks});
        }
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i)[0] >= 0.5) {
                parts.add(String.format("%s %.1f µs (%.1f calls)", names.get(i), rows.get(i)[0], rows.get(i)[1]));
            }
        }
        bench.results.notes.add(String.format(
                "Redis time per task, %s (INFO commandstats, Lua's inner calls counted too): %.0f µs in all; %s",
                label, total / tasks, String.join(", ", parts)));
    }

    /** The fastest Clipflow drain row becomes the reference the peers are compared with. */
    private void markBestClipflow() {
        List<Bench.Results.Row> rows = bench.results.rows;
        Bench.Results.Row best = null;
        for (Bench.Results.Row row : rows) {
            if (row.scenario().equals("drain") && row.system().equals("Clipflow")
                    && (best == null || row.median() > best.median())) {
                best = row;
            }
        }
        if (best != null) {
            rows.set(
                    rows.indexOf(best),
                    new Bench.Results.Row(
                            best.scenario(), best.system(), best.setting(), best.unit(), best.values(), true, true));
        }
    }

    /** Warm-up drain, then {@code reps} drains of {@code tasks} pre-loaded tasks; tasks/s first to last result. */
    private List<Double> drain(Proc worker, double[] peakRss, int warmups) {
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = null;
        if (worker != null && peakRss != null) {
            sampler = new Thread(() -> {
                while (sampling.get()) {
                    peakRss[0] = Math.max(peakRss[0], worker.rssMib());
                    Bench.sleep(100);
                }
            });
            sampler.setDaemon(true);
            sampler.start();
        }
        List<Double> rates = new ArrayList<>();
        try {
            for (int i = -warmups; i < bench.reps; i++) {
                int n = i < 0 ? Math.min(bench.tasks, 20_000) : bench.tasks;
                String run = "d" + (runs++);
                wire.preloadAndRelease(run, n);
                double workerCpu = worker == null ? 0 : worker.cpuSeconds();
                double redisCpu = redis.server.cpuSeconds();
                wire.awaitResults(run, 0, n, Duration.ofMinutes(10));
                workerCpu = worker == null ? 0 : worker.cpuSeconds() - workerCpu;
                redisCpu = redis.server.cpuSeconds() - redisCpu;
                double seconds = wire.span(run, n);
                if (peakRss != null) {
                    System.err.printf(
                            "bench: drain %s: %.2f s, worker CPU %.0f µs/task, redis-server CPU %.0f µs/task%n",
                            run, seconds, workerCpu * 1e6 / n, redisCpu * 1e6 / n);
                }
                wire.forget(run, n);
                if (i >= 0) {
                    rates.add(n / seconds);
                }
            }
        } finally {
            sampling.set(false);
        }
        return rates;
    }

    /** Waits (up to 60 s) until the node uses under 2% of a core over a second. */
    private static void awaitQuiet(Proc node) {
        long until = System.nanoTime() + 60_000_000_000L;
        double before = node.cpuSeconds();
        while (System.nanoTime() < until) {
            Bench.sleep(1000);
            double now = node.cpuSeconds();
            if (now - before < 0.02) {
                return;
            }
            before = now;
        }
        System.err.println("bench: the worker did not become idle within 60 s; measuring anyway");
    }

    private void latency(String system, String setting, boolean reference) {
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        wire.latencies("lw" + (runs++), 2000); // the JIT compiles the one-at-a-time path (BLMOVE, status check) too
        for (int i = 0; i < bench.reps; i++) {
            List<Double> ms = wire.latencies("l" + (runs++), 200);
            List<Double> slowest = new ArrayList<>(ms);
            slowest.sort(java.util.Collections.reverseOrder());
            System.err.printf("bench: latency %s %s: slowest %s ms%n", system, setting, slowest.subList(0, 5));
            p50.add(Bench.percentile(ms, 50));
            p99.add(Bench.percentile(ms, 99));
        }
        if (reference) {
            bench.results.addReference("latency", system, "p50, " + setting, "ms", p50, false);
            bench.results.addReference("latency", system + " ", "p99, " + setting, "ms", p99, false);
        } else {
            bench.results.add("latency", system, "p50, " + setting, "ms", p50, false);
            bench.results.add("latency", system + " ", "p99, " + setting, "ms", p99, false);
        }
    }

    private void celery(String pool, int concurrency) {
        if (!peers.celery) {
            return;
        }
        try (Proc worker = peers.celeryWorker(pool, concurrency)) {
            // ready when it answers: the first warm-up task
            wire.latencies("cw" + (runs++), 5);
            if (bench.only.contains("memory") && pool.equals("prefork")) {
                bench.results.add(
                        "memory", "Celery worker", "idle, prefork " + concurrency, "MiB RSS", List.of(worker.rssMib()), false);
            }
            if (bench.only.contains("latency")) {
                latency("Celery", pool + " " + concurrency, false);
            }
            if (bench.only.contains("drain")) {
                bench.results.add("drain", "Celery", pool + " " + concurrency, "tasks/s", drain(worker, null, 1), true);
            }
        }
    }

    /** RSS of a worker over {@code million} no-op tasks, fed in slices so Redis holds at most 40,000 at a time. */
    private void million(Proc node) {
        int total = bench.million;
        int slice = 20_000;
        String run = "m" + (runs++);
        List<Double> rss = new ArrayList<>();
        long started = System.nanoTime();
        for (int from = 0; from < total; from += slice) {
            int to = Math.min(total, from + slice);
            wire.pushAll(CeleryWire.QUEUE, run, from, to);
            if (from > 0) {
                int previous = from - slice;
                wire.awaitResults(run, previous, from, Duration.ofMinutes(10));
                wire.forget(run, from);
            }
            if (to % (total / 4) == 0 || to == total) {
                rss.add(node.rssMib());
            }
        }
        wire.awaitResults(run, total - slice, total, Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - started) / 1e9;
        wire.forget(run, total);
        rss.add(node.rssMib());
        bench.results.add(
                "memory",
                "Clipflow worker",
                String.format("after %,d no-op tasks (%.0f tasks/s sustained)", total, total / seconds),
                "MiB RSS",
                List.of(rss.get(rss.size() - 1)),
                false);
        bench.results.notes.add(String.format(
                "Clipflow worker RSS at each quarter of the %,d tasks (MiB): %s", total, fmtList(rss)));
    }

    private static String fmtList(List<Double> values) {
        return values.stream().map(Bench.Results::fmt).toList().toString();
    }

    private void enqueue() {
        Bench.Results r = bench.results;
        int n = Math.min(bench.tasks, 10_000);
        try (BenchProducer producer = new BenchProducer("127.0.0.1", redis.port)) {
            List<Double> one = new ArrayList<>();
            List<Double> batch = new ArrayList<>();
            for (int rep = -1; rep < bench.reps; rep++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    producer.send("bench-enqueue", CeleryWire.TASK, List.of(i));
                }
                double s1 = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                for (int i = 0; i < n; i += 1000) {
                    producer.sendBatch("bench-enqueue", CeleryWire.TASK, i, Math.min(1000, n - i));
                }
                double s2 = (System.nanoTime() - t0) / 1e9;
                redis.connection.sync().del("bench-enqueue");
                if (rep >= 0) {
                    one.add(n / s1);
                    batch.add(n / s2);
                }
            }
            r.addReference("enqueue", "Clipflow Java producer", "one by one", "tasks/s", one, true);
            r.add("enqueue", "Clipflow Java producer", "pipelined, 1,000 per batch", "tasks/s", batch, true);
        }
        httpEnqueue(n);
        if (peers.celery) {
            for (String mode : List.of("one", "producer")) {
                List<Double> rates = new ArrayList<>();
                for (int rep = 0; rep < bench.reps; rep++) {
                    JsonNode j = peers.celeryEnqueue(mode, n);
                    rates.add(j.path("rate").asDouble());
                }
                r.add("enqueue", "Celery", mode.equals("one") ? "delay() one by one" : "apply_async, one producer reused", "tasks/s", rates, true);
            }
        }
        if (peers.bullmq) {
            for (String mode : List.of("one", "bulk")) {
                List<Double> rates = new ArrayList<>();
                for (int rep = 0; rep < bench.reps; rep++) {
                    rates.add(peers.bullmq("enqueue", "--mode", mode, "--jobs", Integer.toString(n))
                            .path("rate")
                            .asDouble());
                }
                r.add("enqueue", "BullMQ", mode.equals("one") ? "add() one by one" : "addBulk of 1,000", "tasks/s", rates, true);
            }
        }
    }

    /** POST /api/tasks one by one and POST /api/groups of 1,000, over HTTP/1.1 keep-alive, admin token. */
    private void httpEnqueue(int n) {
        try (Proc web = bench.clipflow(
                "clipflow-web",
                redis,
                List.of("run", "--clipflow.roles=web", "--clipflow.rate-limits.enabled=false"))) {
            String base = "http://127.0.0.1:" + Bench.port(web);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Double> one = new ArrayList<>();
            List<Double> group = new ArrayList<>();
            int perRep = Math.min(n, 5000);
            for (int rep = -1; rep < bench.reps; rep++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < perRep; i++) {
                    post(http, base + "/api/tasks", "{\"task\":\"clipflow.noop\",\"args\":[" + i + "]}");
                }
                double s1 = (System.nanoTime() - t0) / 1e9;
                StringBuilder body = new StringBuilder("{\"tasks\":[");
                for (int i = 0; i < 1000; i++) {
                    body.append(i == 0 ? "" : ",").append("{\"task\":\"clipflow.noop\",\"args\":[").append(i).append("]}");
                }
                body.append("]}");
                t0 = System.nanoTime();
                for (int i = 0; i < perRep; i += 1000) {
                    post(http, base + "/api/groups", body.toString());
                }
                double s2 = (System.nanoTime() - t0) / 1e9;
                redis.connection.sync().del(CeleryWire.QUEUE);
                if (rep >= 0) {
                    one.add(perRep / s1);
                    group.add(perRep / s2);
                }
            }
            bench.results.add("enqueue", "Clipflow HTTP", "POST /api/tasks one by one", "tasks/s", one, true);
            bench.results.add("enqueue", "Clipflow HTTP", "POST /api/groups of 1,000", "tasks/s", group, true);
        }
    }

    private static void post(HttpClient http, String url, String json) {
        AtomicReference<String> error = new AtomicReference<>();
        try {
            HttpResponse<String> res = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + Bench.adminToken())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 202) {
                error.set(res.statusCode() + " " + res.body());
            }
        } catch (java.io.IOException e) {
            error.set(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error.set(e.toString());
        }
        if (error.get() != null) {
            throw new IllegalStateException("POST " + url + ": " + error.get());
        }
    }
}
