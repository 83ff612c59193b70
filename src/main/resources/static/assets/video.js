// The video page: HLS playback (hls.js over MSE, or the browser's own HLS), a confirm before delete, and a reload once
// the video's own event stream says it finished, so a page opened mid-transcode ends with the player.
(() => {
  "use strict";
  const page = document.getElementById("video-page");
  const player = document.getElementById("player");
  const state = document.getElementById("player-state");

  if (player) {
    const src = player.dataset.src;
    if (window.Hls && Hls.isSupported()) {
      const hls = new Hls({ enableWorker: true });
      hls.on(Hls.Events.ERROR, (event, data) => {
        if (data.fatal) state.textContent = "playback error: " + data.details;
      });
      hls.on(Hls.Events.MANIFEST_PARSED, (event, data) => {
        state.textContent = data.levels.map((l) => l.height + "p").join(" · ") + " (adaptive)";
      });
      hls.loadSource(src);
      hls.attachMedia(player);
    } else if (player.canPlayType("application/vnd.apple.mpegurl")) {
      player.src = src;
    } else {
      state.textContent = "this browser cannot play HLS";
    }
  }

  const form = document.getElementById("delete-form");
  if (form) {
    form.addEventListener("submit", (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  }

  const status = page.dataset.status;
  if (status !== "QUEUED" && status !== "PROCESSING" && status !== "UPLOADED") return;
  window.Clipflow.live(`/ws/videos/${page.dataset.videoId}`, (event) => {
    if (event.type === "progress" && typeof event.progress === "number") {
      const bar = document.getElementById("transcode-progress");
      if (bar) bar.value = event.progress;
      const text = document.getElementById("transcode-text");
      if (text) text.textContent = Math.floor(event.progress) + "%";
    }
    if (event.status) document.getElementById("video-status").textContent = event.status;
    if (event.type === "done" || event.type === "error") location.reload();
  });
})();
