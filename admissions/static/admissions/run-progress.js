// The allocation-run page: the progress bar of a run being computed or published (polls its
// progress URL every second and reloads when it is finished), and the publication dialog.
(function () {
  const publish = document.getElementById("publish-run");
  const dialog = document.getElementById("publish-dialog");
  if (publish && dialog) publish.addEventListener("click", () => dialog.showModal());

  const el = document.getElementById("run-progress");
  if (!el) return;
  const timer = setInterval(async () => {
    let data;
    try {
      const response = await fetch(el.dataset.url, {headers: {Accept: "application/json"}});
      data = await response.json();
    } catch (e) {
      return; // a missed poll: try again at the next tick
    }
    el.firstElementChild.style.width = data.progress + "%";
    el.setAttribute("aria-valuenow", data.progress);
    const percent = document.getElementById("run-progress-percent");
    if (percent) percent.textContent = data.progress;
    document.getElementById("run-progress-message").textContent = data.message;
    if (data.finished) {
      clearInterval(timer);
      location.reload();
    }
  }, 1000);
})();
