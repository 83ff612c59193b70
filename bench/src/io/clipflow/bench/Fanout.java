package io.clipflow.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 6: live-event fan-out, publish → WebSocket receive, with 1, 100 and 1,000 clients on one node
 * (bench/FanoutBench.java against a node on the private Redis).
 */
final class Fanout {

    private final Bench bench;
    private final PrivateRedis redis;

    Fanout(Bench bench, PrivateRedis redis) {
        this.bench = bench;
        this.redis = redis;
    }

    void run() {
        if (!bench.systems.contains("clipflow")) {
            return;
        }
        try (Proc node = bench.clipflow(
                "clipflow-fanout", redis, List.of("run", "--server.tomcat.max-connections=4096"))) {
            String out = Proc.run(
                    List.of(
                            "java",
                            Bench.ROOT.resolve("bench/FanoutBench.java").toString(),
                            "ws://127.0.0.1:" + Bench.port(node),
                            Bench.adminToken(),
                            "127.0.0.1",
                            Integer.toString(redis.port),
                            "",
                            Long.toString(node.pid()),
                            "1,100,1000",
                            "200",
                            "20"),
                    Bench.ROOT,
                    Map.of(),
                    Duration.ofMinutes(10));
            for (String line : out.split("\n")) {
                String[] cells = line.split("\\|");
                if (cells.length < 8 || !cells[1].trim().matches("\\d+")) {
                    continue;
                }
                String clients = cells[1].trim();
                String setting = clients + (clients.equals("1") ? " client" : " clients");
                bench.results.add("fanout", "Clipflow WebSocket", "p50, " + setting, "ms",
                        List.of(Double.parseDouble(cells[4].trim())), false);
                bench.results.add("fanout", "Clipflow WebSocket ", "p99, " + setting, "ms",
                        List.of(Double.parseDouble(cells[5].trim())), false);
                bench.results.notes.add("fan-out with " + setting + ": " + cells[3].trim() + " of "
                        + cells[2].trim() + " events received; server heap per idle connection " + cells[7].trim());
            }
        }
    }
}
