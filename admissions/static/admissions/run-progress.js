// Progress of a queued or running allocation run: polls its progress URL every second.
(function () {
  const el = document.getElementById("run-progress");
  if (!el) return;
  const timer = setInterval(async () => {
    const response = await fetch(el.dataset.url);
    const data = await response.json();
    el.firstElementChild.style.width = data.progress + "%";
    document.getElementById("run-progress-message").textContent = data.message;
    if (!["queued", "running"].includes(data.status)) {
      clearInterval(timer);
      location.reload();
    }
  }, 1000);
})();
