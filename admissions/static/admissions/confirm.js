/* Irreversible actions: a form (or a submit button) with data-confirm asks first and says what
   cannot be undone; nothing is sent unless the person agrees. */
(function () {
  "use strict";
  document.addEventListener("submit", (e) => {
    const form = e.target;
    const button = e.submitter;
    const text = (button && button.dataset.confirm) || form.dataset.confirm;
    if (text && !window.confirm(text)) e.preventDefault();
  });
  // Submitting a form that asks to choose items with nothing chosen: say so, send nothing.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (e.defaultPrevented || !form.dataset.requireChecked) return;
    if (form.querySelector(`input[name="${form.dataset.requireChecked}"]:checked`)) return;
    e.preventDefault();
    const out = form.querySelector("[data-choose-message]");
    if (out) { out.hidden = false; out.focus(); }
  });
})();
