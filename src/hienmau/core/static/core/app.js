// Small behaviours every page shares, here rather than in inline handlers (the Content-Security-Policy
// allows no inline script): a select that submits its form when changed, a print button, a back link.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  } else if (event.target.closest("a[data-back]") && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
