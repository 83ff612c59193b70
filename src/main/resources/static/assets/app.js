// The dashboard's shared script (the CSP allows no inline script, so page behaviour lives in files like this one):
// the CSRF token on every htmx request, and window.Clipflow for the page scripts: the context path, the CSRF
// headers, and a live event stream over a WebSocket opened with a one-time ticket (never a token in the page).
window.Clipflow = (() => {
  "use strict";
  const meta = (name) => document.querySelector(`meta[name="${name}"]`);
  const base = (meta("clipflow-base")?.content || "/").replace(/\/$/, "");

  function csrfHeaders() {
    const token = meta("_csrf");
    const header = meta("_csrf_header");
    return token && header ? { [header.content]: token.content } : {};
  }

  /** Calls onEvent with each event of the topic at `path` (e.g. /ws/users/me); reconnects with backoff. */
  function live(path, onEvent, onState = () => {}) {
    let delay = 1000;
    const retry = () => {
      onState("off");
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 30000);
    };
    async function open() {
      try {
        const reply = await fetch(`${base}/ui/ws-tickets`, {
          method: "POST",
          headers: csrfHeaders(),
          credentials: "same-origin",
        });
        if (!reply.ok) throw new Error("ticket " + reply.status);
        const { ticket } = await reply.json();
        const scheme = location.protocol === "https:" ? "wss://" : "ws://";
        const socket = new WebSocket(`${scheme}${location.host}${base}${path}?ticket=${encodeURIComponent(ticket)}`);
        socket.addEventListener("open", () => {
          delay = 1000;
          onState("on");
        });
        socket.addEventListener("message", (m) => {
          let event;
          try {
            event = JSON.parse(m.data);
          } catch (ignored) {
            return;
          }
          onEvent(event);
        });
        socket.addEventListener("close", retry);
      } catch (e) {
        retry();
      }
    }
    open();
  }

  document.addEventListener("htmx:configRequest", (event) => Object.assign(event.detail.headers, csrfHeaders()));
  return { base, csrfHeaders, live };
})();
