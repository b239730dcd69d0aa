// Small comforts only: every page works without JavaScript.
"use strict";

document.addEventListener("keydown", (event) => {
  // "/" focuses the search box, as on many search sites.
  const tag = (event.target.tagName || "").toLowerCase();
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (tag === "input" || tag === "textarea" || event.target.isContentEditable) return;
  const box = document.querySelector("[data-search-input], main input[type=search]");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});

document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});

// Glossary: filter the rows while typing (the form still filters on the server).
const filter = document.querySelector("[data-glossary-filter]");
if (filter) {
  const rows = Array.from(document.querySelectorAll("tr[data-terms]"));
  const count = document.querySelector("[data-glossary-count]");
  const template = count ? count.textContent.replace(/\d+/, "{n}") : "";
  filter.addEventListener("input", () => {
    const needle = filter.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const hit = !needle || row.dataset.terms.toLowerCase().includes(needle);
      row.hidden = !hit;
      if (hit) shown += 1;
    }
    if (count) count.textContent = template.replace("{n}", String(shown));
  });
}

// "Copy" next to a ready-made reference (the text stays selectable without JavaScript).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const text = document.querySelector(`[data-cite-text="${button.dataset.copy}"]`);
  if (!text || !navigator.clipboard) return;
  navigator.clipboard.writeText(text.textContent.trim()).then(() => {
    const label = button.textContent;
    button.textContent = button.dataset.copied;
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});
