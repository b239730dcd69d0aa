// Small comforts only: every page works without JavaScript.
"use strict";

// Keys: "/" search box, j / k next and previous hit, Enter opens it, "?" lists the keys.
function selectHit(step) {
  const hits = Array.from(document.querySelectorAll("[data-hit]"));
  if (!hits.length) return;
  const current = hits.findIndex((h) => h.classList.contains("selected"));
  const next = current < 0 ? (step > 0 ? 0 : hits.length - 1) : Math.min(hits.length - 1, Math.max(0, current + step));
  hits.forEach((h) => h.classList.remove("selected"));
  hits[next].classList.add("selected");
  const link = hits[next].querySelector("a.snippet");
  if (link) link.focus({ preventScroll: true });
  hits[next].scrollIntoView({ block: "nearest" });
}

document.addEventListener("keydown", (event) => {
  const tag = (event.target.tagName || "").toLowerCase();
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
  if (event.key === "/") {
    const box = document.querySelector("[data-search-input], main input[type=search]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  } else if (event.key === "j" || event.key === "k") {
    event.preventDefault();
    selectHit(event.key === "j" ? 1 : -1);
  } else if (event.key === "?") {
    const dialog = document.querySelector("[data-keys]");
    if (dialog && !dialog.open) {
      event.preventDefault();
      dialog.showModal();
    }
  }
});

document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-keys-open]")) return;
  event.preventDefault();
  document.querySelector("[data-keys]").showModal();
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
