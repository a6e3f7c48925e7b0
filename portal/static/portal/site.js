// Behaviour that used to sit in inline handlers (the Content-Security-Policy forbids them):
// the language menu submits on change; forms with data-confirm ask before submitting.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
