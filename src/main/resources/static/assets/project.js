// A project's page: each stage card follows its run over /ws/projects/<id>. Token events carry the whole text so far,
// so the card shows it as it grows; when the run ends the card (and the shots, for a storyboard or camera stage) is
// fetched again from the server. Events of older runs, replayed from the topic's history, are ignored.
(() => {
  "use strict";
  const page = document.getElementById("project-page");
  const projectId = page.dataset.projectId;
  const liveState = document.getElementById("live-state");

  const form = document.getElementById("delete-form");
  if (form) {
    form.addEventListener("submit", (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  }

  const card = (stage) => document.querySelector(`.stage-card[data-stage="${CSS.escape(stage)}"]`);
  const time = (text) => (text ? Date.parse(text) : 0);

  /** Whether the event is about the card's run, adopting a newer run started elsewhere (the API, another tab). */
  function follows(el, event) {
    if (event.task_id === el.dataset.taskId) return el.dataset.busy === "true";
    if (event.type === "done" || time(event.timestamp) <= time(el.dataset.created)) return false;
    el.dataset.taskId = event.task_id;
    el.dataset.created = event.timestamp;
    el.dataset.busy = "true";
    el.querySelector(".stage-text").textContent = "";
    return true;
  }

  function refresh(el) {
    htmx.ajax("GET", el.dataset.cardUrl, { target: el, swap: "outerHTML" });
    if (el.dataset.output === "storyboard" || el.dataset.output === "camera") {
      htmx.ajax("GET", `${window.Clipflow.base}/ui/projects/${encodeURIComponent(projectId)}/shots`, {
        target: "#shots",
        swap: "outerHTML",
      });
    }
  }

  function setState(el, state) {
    const badge = el.querySelector(".stage-state");
    badge.textContent = state;
    badge.className = "badge stage-state " + state.toLowerCase();
    el.dataset.state = state;
  }

  window.Clipflow.live(
    `/ws/projects/${encodeURIComponent(projectId)}`,
    (event) => {
      if (!event.stage || !event.task_id) return;
      const el = card(event.stage);
      if (!el || !follows(el, event)) return;
      if (event.type === "token") {
        el.querySelector(".stage-text").textContent = event.full_text ?? "";
        page.dataset.tokenEvents = String(Number(page.dataset.tokenEvents || 0) + 1);
        setState(el, "RUNNING");
      } else if (event.type === "stage_update") {
        const bar = el.querySelector(".stage-progress");
        if (bar && typeof event.progress === "number") bar.value = event.progress;
        el.querySelector(".stage-message").textContent = event.message ?? "";
        setState(el, "RUNNING");
      } else if (event.type === "error" && event.will_retry) {
        el.querySelector(".stage-message").textContent = `retrying after: ${event.error}`;
        setState(el, "RETRYING");
      } else if (event.type === "done" || event.type === "error") {
        if (event.full_text) el.querySelector(".stage-text").textContent = event.full_text;
        el.dataset.busy = "false";
        refresh(el);
      }
    },
    (state) => {
      liveState.textContent = state === "on" ? "live" : "live updates reconnecting…";
      liveState.dataset.state = state;
    },
  );
})();
