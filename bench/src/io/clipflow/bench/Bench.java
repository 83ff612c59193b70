package io.clipflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Clipflow next to Celery, BullMQ, raw Redis and raw FFmpeg, in one run on one machine; see bench/README.md. Every
 * system talks to the same private redis-server. Prints one markdown table per scenario and writes
 * {@code bench/results/bench-<time>.{md,json}}.
 *
 * <p>Options: {@code --only drain,enqueue,latency,pipeline,memory,fanout,llm}, {@code --systems
 * clipflow,celery,bullmq,redis}, {@code --reps N} (3), {@code --tasks N}
 * (20,000), {@code --million N} (1,000,000: the memory scenario's task count), {@code --quick} (1 rep, 5,000 tasks,
 * 100,000 for memory, 10 s clip).
 */
public final class Bench {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path PEERS = ROOT.resolve("bench/peers");

    final Set<String> only;
    final Set<String> systems;
    final int reps;
    final int tasks;
    final int million;
    final int clipSeconds;
    final Path work;
    final Results results = new Results();

    Bench(String[] args) throws IOException {
        Set<String> scenarios = new LinkedHashSet<>(List.of("drain", "enqueue", "latency", "pipeline", "memory", "fanout", "llm"));
        int reps = 3;
        int tasks = 20_000;
        int million = 1_000_000;
        int clip = 30;
        Set<String> systems = new LinkedHashSet<>(List.of("clipflow", "celery", "bullmq", "redis", "ffmpeg"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--only" -> scenarios = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--systems" -> systems = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--tasks" -> tasks = Integer.parseInt(args[++i]);
                case "--million" -> million = Integer.parseInt(args[++i]);
                case "--quick" -> {
                    reps = 1;
                    tasks = 5_000;
                    million = 100_000;
                    clip = 10;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        this.only = scenarios;
        this.systems = systems;
        this.reps = reps;
        this.tasks = tasks;
        this.million = million;
        this.clipSeconds = clip;
        this.work = Files.createTempDirectory("clipflow-bench-");
    }

    public static void main(String[] args) throws Exception {
        Bench bench = new Bench(args);
        bench.run();
    }

    void run() throws Exception {
        System.err.printf("bench: work dir %s, reps %d, %d tasks per drain%n", work, reps, tasks);
        try (PrivateRedis redis = new PrivateRedis(work)) {
            results.environment.put("redis", redis.version() + " on 127.0.0.1:" + redis.port + " (private)");
            results.environment.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
            results.environment.put("java", System.getProperty("java.version"));
            results.environment.put("date", Instant.now().toString());
            Peers peers = new Peers(this, redis);
            results.environment.putAll(peers.versions());
            Queues queues = new Queues(this, redis, peers);
            if (only.contains("drain") || only.contains("memory") || only.contains("latency")
                    || only.contains("enqueue")) {
                attempt("queue scenarios", queues::run);
            }
            if (only.contains("pipeline")) {
                attempt("pipeline", () -> new Pipeline(this).run());
            }
            if (only.contains("fanout")) {
                attempt("fanout", () -> new Fanout(this, redis).run());
            }
            if (only.contains("llm")) {
                attempt("llm", () -> new Llm(this, redis).run());
            }
        } finally {
            results.write(ROOT.resolve("bench/results"));
        }
    }

    interface Scenario {
        void run() throws Exception;
    }

    /** A scenario that fails is reported in the notes; the others still run and the table is still written. */
    private void attempt(String name, Scenario scenario) {
        try {
            scenario.run();
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            results.notes.add(name + " FAILED: " + e);
        }
    }

    /** A Clipflow node started exactly as an operator would ({@code ./clipflow worker|run}), on the private Redis. */
    Proc clipflow(String name, PrivateRedis redis, List<String> extra) {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("clipflow").toString()));
        command.addAll(extra);
        if (System.getenv("BENCH_NODE_ARGS") != null) {
            command.addAll(List.of(System.getenv("BENCH_NODE_ARGS").split(" ")));
        }
        command.addAll(List.of(
                "--server.port=" + PrivateRedis.freePort(),
                "--spring.data.redis.url=" + redis.url(),
                "--clipflow.redis.embedded=never",
                "--clipflow.redis.key-prefix=",
                "--clipflow.data-dir=" + work.resolve(name),
                "--clipflow.node-name=" + name,
                "--logging.level.root=WARN",
                "--logging.level.io.clipflow.config.StartupReport=INFO"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CLIPFLOW_ADMIN_TOKEN", adminToken());
        if (System.getenv("BENCH_NODE_JAVA_OPTS") != null) {
            env.put("CLIPFLOW_JAVA_OPTS", System.getenv("BENCH_NODE_JAVA_OPTS"));
        }
        Proc node = Proc.start(name, command, ROOT, env, work);
        node.awaitLog("ready on port", Duration.ofSeconds(120));
        return node;
    }

    static String adminToken() {
        return "cf_bench_admin_token_0123456789abcdef";
    }

    static int port(Proc node) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("ready on port (\\d+)").matcher(node.logText());
        if (!m.find()) {
            throw new IllegalStateException("no port in " + node.log);
        }
        return Integer.parseInt(m.group(1));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** The last line of a peer script's stdout, which is its one JSON result. */
    static JsonNode lastJson(String stdout) {
        String[] lines = stdout.strip().split("\n");
        try {
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new IllegalStateException("not a JSON result line: " + lines[lines.length - 1], e);
        }
    }

    /** Every measurement of the run; rendered as markdown tables (median, min-max, ratio) and as JSON. */
    static final class Results {

        final Map<String, String> environment = new LinkedHashMap<>();
        final List<Row> rows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        /**
         * @param higherIsBetter throughput (true) or time (false); the ratio column says how many times better
         *     Clipflow's reference row of the same scenario is than this one
         */
        record Row(
                String scenario,
                String system,
                String setting,
                String unit,
                List<Double> values,
                boolean higherIsBetter,
                boolean reference) {

            double median() {
                return Bench.median(values);
            }
        }

        void add(String scenario, String system, String setting, String unit, List<Double> values, boolean higher) {
            rows.add(new Row(scenario, system, setting, unit, List.copyOf(values), higher, false));
            System.err.printf(Locale.ROOT, "bench: %s | %s | %s | %s %s%n", scenario, system, setting, values, unit);
        }

        /** A Clipflow row the other rows of its scenario (and unit) are compared with. */
        void addReference(
                String scenario, String system, String setting, String unit, List<Double> values, boolean higher) {
            rows.add(new Row(scenario, system, setting, unit, List.copyOf(values), higher, true));
            System.err.printf(Locale.ROOT, "bench: %s | %s | %s | %s %s%n", scenario, system, setting, values, unit);
        }

        String markdown() {
            StringBuilder md = new StringBuilder();
            md.append("Environment: ");
            environment.forEach((k, v) -> md.append(k).append(" ").append(v).append("; "));
            md.setLength(md.length() - 2);
            md.append("\n");
            Set<String> scenarios = new LinkedHashSet<>();
            rows.forEach(r -> scenarios.add(r.scenario()));
            for (String scenario : scenarios) {
                md.append("\n**").append(scenario).append("**\n\n");
                md.append("| System | Setting | Median | Min–max | Runs | Clipflow advantage |\n");
                md.append("|---|---|---:|---:|---:|---:|\n");
                for (Row r : rows) {
                    if (!r.scenario().equals(scenario)) {
                        continue;
                    }
                    Row ref = rows.stream()
                            .filter(x -> x.reference() && x.scenario().equals(scenario) && x.unit().equals(r.unit()))
                            .findFirst()
                            .orElse(null);
                    String ratio = "";
                    if (ref != null && ref != r && r.median() > 0 && ref.median() > 0) {
                        double x = r.higherIsBetter() ? ref.median() / r.median() : r.median() / ref.median();
                        ratio = String.format(Locale.ROOT, "%.2f×", x);
                    } else if (ref == r) {
                        ratio = "(reference)";
                    }
                    double min = r.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
                    double max = r.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
                    md.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %s %s | %s–%s | %d | %s |%n",
                            r.system(),
                            r.setting(),
                            fmt(r.median()),
                            r.unit(),
                            fmt(min),
                            fmt(max),
                            r.values().size(),
                            ratio));
                }
            }
            if (!notes.isEmpty()) {
                md.append("\n");
                notes.forEach(n -> md.append("- ").append(n).append("\n"));
            }
            return md.toString();
        }

        static String fmt(double v) {
            if (Math.abs(v) >= 1000) {
                return String.format(Locale.ROOT, "%,.0f", v);
            }
            if (Math.abs(v) >= 100) {
                return String.format(Locale.ROOT, "%.0f", v);
            }
            if (Math.abs(v) >= 10) {
                return String.format(Locale.ROOT, "%.1f", v);
            }
            return String.format(Locale.ROOT, "%.2f", v);
        }

        void write(Path dir) throws IOException {
            Files.createDirectories(dir);
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                    .withZone(ZoneOffset.UTC)
                    .format(Instant.now());
            String md = markdown();
            Files.writeString(dir.resolve("bench-" + stamp + ".md"), md);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("environment", environment);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("scenario", r.scenario());
                m.put("system", r.system());
                m.put("setting", r.setting());
                m.put("unit", r.unit());
                m.put("median", r.median());
                m.put("values", r.values());
                m.put("higher_is_better", r.higherIsBetter());
                m.put("reference", r.reference());
                out.add(m);
            }
            doc.put("rows", out);
            doc.put("notes", notes);
            Files.writeString(
                    dir.resolve("bench-" + stamp + ".json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            System.out.println(md);
            System.err.println("bench: wrote bench/results/bench-" + stamp + ".{md,json}");
        }
    }
}
