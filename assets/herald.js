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
