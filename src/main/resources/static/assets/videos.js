// The video library: uploads with a progress bar per file (XHR, so upload progress is observable), and live card
// updates from the user's event stream (/ws/users/me, opened with a one-time ticket; no token in the page).
(() => {
  "use strict";
  const { base, csrfHeaders, live } = window.Clipflow;
  const zone = document.getElementById("drop-zone");
  const input = document.getElementById("file-input");
  const uploads = document.getElementById("uploads");
  const liveState = document.getElementById("live-state");
  const finished = new Set(); // videos whose final event arrived before their card was on the page

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function refreshCard(id) {
    const card = document.getElementById("video-" + id);
    const grid = document.getElementById("grid");
    if (card) {
      htmx.ajax("GET", `${base}/ui/videos/${id}/card`, { target: card, swap: "outerHTML" });
    } else if (grid) {
      htmx.ajax("GET", `${base}/ui/videos/${id}/card`, { target: grid, swap: "afterbegin" });
      const empty = document.getElementById("no-videos");
      if (empty) empty.hidden = true;
      const count = document.getElementById("result-count");
      if (count) {
        const total = (parseInt(count.dataset.total, 10) || 0) + 1;
        count.dataset.total = total;
        count.textContent = total === 1 ? "1 video" : `${total} videos`;
      }
    }
  }

  function upload(file) {
    const item = el("li", "upload-item");
    item.dataset.state = "uploading";
    const bar = el("progress");
    bar.max = 100;
    bar.value = 0;
    const pct = el("span", "pct", "0%");
    const state = el("span", "state muted", "uploading");
    item.append(el("span", "name", file.name), bar, pct, state);
    uploads.prepend(item);

    const form = new FormData();
    form.append("title", file.name.replace(/\.[^.]+$/, ""));
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${base}/ui/videos`);
    for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const p = Math.floor((e.loaded * 100) / e.total);
      bar.value = p;
      pct.textContent = p + "%";
    });
    xhr.addEventListener("load", () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (ignored) {
        body = null;
      }
      const video = body && body.video;
      if (xhr.status === 202 && video && video.id) {
        bar.value = 100;
        pct.textContent = "100%";
        item.dataset.state = "uploaded";
        item.dataset.videoId = video.id;
        state.textContent = "uploaded, " + String(video.status || "").toLowerCase();
        refreshCard(video.id);
      } else {
        item.dataset.state = "failed";
        state.textContent = (body && (body.detail || body.error)) || `upload failed (HTTP ${xhr.status})`;
      }
    });
    xhr.addEventListener("error", () => {
      item.dataset.state = "failed";
      state.textContent = "the connection was lost; nothing was stored";
    });
    xhr.send(form);
  }

  function onEvent(event) {
    if (!event || event.video_id == null) return;
    const id = event.video_id;
    const card = document.getElementById("video-" + id);
    const final = event.type === "done" || event.type === "error";
    if (!card) {
      if (final) finished.add(String(id));
      return;
    }
    // a card the server rendered in this final state already (the stream replays its latest event on connect)
    if (final && card.dataset.status === event.status) return;
    if (event.status) {
      card.dataset.status = event.status;
      const badge = card.querySelector(".badge");
      badge.textContent = event.status;
      badge.className = "badge " + event.status.toLowerCase();
    }
    const row = card.querySelector(".progress-row");
    if (event.type === "progress" && typeof event.progress === "number") {
      row.hidden = false;
      row.querySelector("progress").value = event.progress;
      row.querySelector(".progress-text").textContent = Math.floor(event.progress) + "%";
    }
    if (final) refreshCard(id);
  }

  document.body.addEventListener("htmx:afterSwap", () => {
    for (const id of [...finished]) {
      const card = document.getElementById("video-" + id);
      if (card && (card.dataset.status === "QUEUED" || card.dataset.status === "PROCESSING")) {
        finished.delete(id);
        refreshCard(id);
      } else if (card) {
        finished.delete(id);
      }
    }
  });

  input.addEventListener("change", () => {
    [...input.files].forEach(upload);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach((type) =>
    zone.addEventListener(type, (e) => {
      e.preventDefault();
      zone.classList.add("over");
    }),
  );
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("over")));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    [...e.dataTransfer.files].forEach(upload);
  });
  live("/ws/users/me", onEvent, (state) => {
    document.body.dataset.live = state;
    liveState.textContent = state === "on" ? "live" : "live updates reconnecting…";
  });
})();
