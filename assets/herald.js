// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Live delivery progress on an announcement that is sending: the counts and
// the bar follow the outbox; when it finishes, the page reloads to show each
// recipient's status. Without JavaScript, reloading the page does the same.
(() => {
  const section = document.querySelector("#delivery[data-progress]");
  if (!section || !["sending", "scheduled"].includes(section.dataset.status)) return;
  const bar = section.querySelector("progress");
  const badge = document.getElementById("status");
  const tick = async () => {
    try {
      const response = await fetch(section.dataset.progress, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      for (const [key, value] of Object.entries(data.delivery)) {
        const cell = section.querySelector(`[data-count="${key}"]`);
        if (cell) cell.textContent = value;
      }
      bar.value = data.percent;
      bar.textContent = `${data.percent}%`;
      if (badge) badge.textContent = data.status;
      if (data.status !== section.dataset.status) {
        window.location.reload();
        return;
      }
    } catch (_) {
      // A missed tick is retried by the next one.
    }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
})();

// Copy buttons: `data-copy` holds the text to put on the clipboard.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    button.textContent = "Copied";
  } catch (_) {
    button.textContent = "Select and copy";
  }
  setTimeout(() => { button.textContent = label; }, 1500);
});

// The live character counter of a social post, counted the way the chosen
// channel counts (server/src/sharing/channels.rs does the same on submit).
(() => {
  const body = document.querySelector("textarea[data-counter]");
  if (!body) return;
  const counter = document.getElementById(body.dataset.counter);
  const channel = document.getElementById(body.dataset.channel);
  const count = () => {
    const option = channel.selectedOptions[0];
    if (!option || !option.dataset.limit) {
      counter.textContent = "Choose a channel to see how long the post may be.";
      counter.classList.remove("over");
      return;
    }
    const limit = Number(option.dataset.limit);
    const linkLength = Number(option.dataset.linkLength);
    const placeholder = "x".repeat(linkLength);
    let text = body.value.trim();
    text = text.includes("{link}") ? text.split("{link}").join(placeholder) : (text ? `${text}\n${placeholder}` : placeholder);
    // Addresses HR typed count as the channel counts links too.
    const fixed = option.dataset.linkFixed === "1";
    const length = text.split(/(\s+)/).reduce((sum, word) => sum + (fixed && /^https?:\/\//.test(word) ? linkLength : [...word].length), 0);
    counter.textContent = `${length} / ${limit} characters, link included`;
    counter.classList.toggle("over", length > limit);
  };
  body.addEventListener("input", count);
  channel.addEventListener("change", count);
  count();
})();

// Reading time: on a page with a `#read-beacon` marker (an announcement or a
// library item in the portal), count only the time the tab is visible, and
// when it is hidden or left, send that stretch once to `/read` (the server
// keeps each person's longest stretch of the day). `visibleSince` is null
// between a send and the next time the page becomes visible again.
(() => {
  const marker = document.getElementById("read-beacon");
  if (!marker || !navigator.sendBeacon) return;
  let visibleSince = document.visibilityState === "visible" ? performance.now() : null;
  const send = () => {
    if (visibleSince === null) return;
    const seconds = Math.floor((performance.now() - visibleSince) / 1000);
    visibleSince = null;
    const { csrf, kind, id } = marker.dataset;
    navigator.sendBeacon("/read", new URLSearchParams({ csrf, kind, id, seconds: String(seconds) }));
  };
  const resume = () => {
    if (document.visibilityState === "visible" && visibleSince === null) visibleSince = performance.now();
  };
  // Leaving through a comment form sends nothing: a stretch sent at that
  // moment would date the comment, which may be anonymous (docs/anonymity.md).
  document.addEventListener("submit", (event) => {
    const action = event.target.getAttribute("action") || "";
    if (action.startsWith("/comments") && !event.defaultPrevented) visibleSince = null;
  });
  document.addEventListener("visibilitychange", () => (document.visibilityState === "hidden" ? send() : resume()));
  window.addEventListener("pagehide", send);
  // Back to a page kept in the back/forward cache: a new stretch begins.
  window.addEventListener("pageshow", (event) => { if (event.persisted) resume(); });
})();

// The main navigation folds behind a Menu button on narrow screens (the
// stylesheet decides when); without JavaScript its links simply wrap.
(() => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("mainnav");
  if (!toggle || !nav) return;
  toggle.hidden = false;
  toggle.closest(".topbar").classList.add("foldable");
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
})();
