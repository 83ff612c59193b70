// The queues page: throughput/failure and depth charts (Chart.js) from the monitoring series, refreshed every minute.
(() => {
  "use strict";
  const throughput = document.getElementById("throughput-chart");
  const depth = document.getElementById("depth-chart");
  const state = document.getElementById("chart-state");
  const colors = ["#2563eb", "#b91c1c", "#b45309", "#15803d", "#7c3aed", "#0891b2", "#be185d", "#4b5563"];
  let range = "hour";
  let charts = [];

  function line(canvas, title, labels, datasets) {
    return new Chart(canvas, {
      type: "line",
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: title } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  async function draw() {
    const reply = await fetch(`${throughput.dataset.series}?range=${range}`, { credentials: "same-origin" });
    if (!reply.ok) {
      state.textContent = "charts unavailable (HTTP " + reply.status + ")";
      return;
    }
    const { points } = await reply.json();
    const labels = points.map((p) => new Date(p.time).toISOString().substring(11, 16));
    const outcomes = [...new Set(points.flatMap((p) => Object.keys(p.tasks || {})))].sort();
    const queues = [...new Set(points.flatMap((p) => Object.keys(p.queue_depths || {})))].sort();
    charts.forEach((c) => c.destroy());
    charts = [
      line(throughput, "Tasks ended per minute, by outcome (UTC)", labels, outcomes.map((o, i) => ({
        label: o,
        data: points.map((p) => (p.tasks || {})[o] || 0),
        borderColor: o === "failure" ? "#b91c1c" : colors[i % colors.length],
        pointRadius: 0,
      }))),
      line(depth, "Pending messages per queue (UTC)", labels, queues.map((q, i) => ({
        label: q,
        data: points.map((p) => (p.queue_depths || {})[q] || 0),
        borderColor: colors[i % colors.length],
        pointRadius: 0,
      }))),
    ];
    document.body.dataset.points = String(points.length);
    state.textContent = points.length + " points over the last " + range + ".";
  }

  document.querySelectorAll("button.range").forEach((b) =>
    b.addEventListener("click", () => {
      range = b.dataset.range;
      draw();
    }),
  );
  document.querySelectorAll("form.purge-form").forEach((f) =>
    f.addEventListener("submit", (e) => {
      if (!window.confirm("Purge the waiting messages of this queue? They cannot be recovered.")) e.preventDefault();
    }),
  );
  draw();
  setInterval(draw, 60000);
})();
