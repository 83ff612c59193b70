// The video library: resumable uploads with a progress bar per file (tus; XHR, so upload progress is observable), and live card
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

  // Uploads are tus 1.0 at /ui/uploads (the session and CSRF header, as every form): the file goes in chunks, each a
  // PATCH at the offset the server confirmed, so a dropped connection or a closed tab costs at most one chunk. The
  // upload's URL is kept in localStorage under the file's name, size and date; the same file dropped again asks the
  // server where it stands (HEAD) and goes on from there.
  const DEFAULT_CHUNK = 5 * 1024 * 1024;

  function storageKey(file) {
    return `clipflow.tus:${file.name}:${file.size}:${file.lastModified}`;
  }

  function b64(text) {
    return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  }

  function tusHeaders(extra) {
    return Object.assign({ "Tus-Resumable": "1.0.0" }, csrfHeaders(), extra);
  }

  async function errorOf(reply) {
    try {
      const body = await reply.json();
      return body.detail || body.error || `HTTP ${reply.status}`;
    } catch (ignored) {
      return `HTTP ${reply.status}`;
    }
  }

  /** The upload's URL and the offset to go on from: a stored one the server still has, or a new one. */
  async function start(file, title) {
    const stored = localStorage.getItem(storageKey(file));
    if (stored) {
      const head = await fetch(stored, { method: "HEAD", headers: tusHeaders(), credentials: "same-origin" });
      if (head.ok) return { url: stored, offset: parseInt(head.headers.get("Upload-Offset"), 10) || 0 };
      localStorage.removeItem(storageKey(file)); // expired or cancelled: start again
    }
    const created = await fetch(`${base}/ui/uploads`, {
      method: "POST",
      credentials: "same-origin",
      headers: tusHeaders({
        "Upload-Length": String(file.size),
        "Upload-Metadata": `filename ${b64(file.name)},title ${b64(title)}`,
      }),
    });
    if (created.status !== 201) throw new Error(await errorOf(created));
    const url = new URL(created.headers.get("Location"), location.href).pathname;
    localStorage.setItem(storageKey(file), url);
    return { url, offset: 0 };
  }

  /** One PATCH of file[offset, offset + size), with upload progress; resolves with the XHR once it answers. */
  function patch(url, file, offset, size, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PATCH", url);
      for (const [name, value] of Object.entries(tusHeaders({ "Upload-Offset": String(offset) }))) {
        xhr.setRequestHeader(name, value);
      }
      xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
      xhr.upload.addEventListener("progress", (e) => onProgress(offset + e.loaded));
      xhr.addEventListener("load", () => resolve(xhr));
      xhr.addEventListener("error", () => reject(new Error("the connection was lost")));
      xhr.send(file.slice(offset, offset + size));
    });
  }

  async function upload(file) {
    const item = el("li", "upload-item");
    item.dataset.state = "uploading";
    const bar = el("progress");
    bar.max = 100;
    bar.value = 0;
    const pct = el("span", "pct", "0%");
    const state = el("span", "state muted", "uploading");
    item.append(el("span", "name", file.name), bar, pct, state);
    uploads.prepend(item);
    const shown = (sent) => {
      const p = file.size ? Math.floor((sent * 100) / file.size) : 100;
      bar.value = p;
      pct.textContent = p + "%";
    };
    const fail = (text) => {
      item.dataset.state = "failed";
      state.textContent = text;
    };

    const chunk = parseInt(zone.dataset.chunkSize, 10) || DEFAULT_CHUNK;
    let url;
    let offset;
    try {
      ({ url, offset } = await start(file, file.name.replace(/\.[^.]+$/, "")));
    } catch (e) {
      fail(e.message || "the upload could not start");
      return;
    }
    item.dataset.uploadUrl = url;
    if (offset > 0) {
      item.dataset.resumedAt = String(offset);
      state.textContent = `resumed at ${Math.floor((offset * 100) / file.size)}%`;
    }
    shown(offset);
    let retries = 0;
    while (true) {
      let xhr;
      try {
        xhr = await patch(url, file, offset, chunk, shown);
      } catch (e) {
        // the network went away mid-chunk: ask where the upload stands, then go on (a few times, with a pause)
        if (++retries > 5) {
          fail("the connection was lost; drop the file again to resume");
          return;
        }
        await new Promise((r) => setTimeout(r, 1000 * retries));
        try {
          ({ url, offset } = await start(file, file.name));
        } catch (ignored) {
          // try the next round
        }
        continue;
      }
      if (xhr.status !== 204) {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (ignored) {
          body = null;
        }
        if (xhr.status >= 400 && xhr.status < 500) localStorage.removeItem(storageKey(file));
        fail((body && (body.detail || body.error)) || `upload failed (HTTP ${xhr.status})`);
        return;
      }
      retries = 0;
      offset = parseInt(xhr.getResponseHeader("Upload-Offset"), 10);
      shown(offset);
      const videoId = xhr.getResponseHeader("Clipflow-Video-Id");
      if (videoId) {
        localStorage.removeItem(storageKey(file));
        item.dataset.state = "uploaded";
        item.dataset.videoId = videoId;
        state.textContent = "uploaded, queued";
        refreshCard(videoId);
        return;
      }
    }
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
