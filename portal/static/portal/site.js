// Behaviour that used to sit in inline handlers (the Content-Security-Policy forbids them).
// The language menu submits on change.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
// Irreversible actions: a form (or its submit button) with data-confirm asks first and says
// what cannot be undone; nothing is sent unless the person agrees.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = event.submitter;
  const text = (button && button.dataset.confirm) || form.dataset.confirm;
  if (text && !window.confirm(text)) event.preventDefault();
});
// A form that needs ticked items, submitted with none: say so next to it, send nothing.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !form.dataset.requireChecked) return;
  if (form.querySelector(`input[name="${form.dataset.requireChecked}"]:checked`)) return;
  event.preventDefault();
  const out = form.querySelector("[data-choose-message]");
  if (out) { out.hidden = false; out.focus(); }
});
