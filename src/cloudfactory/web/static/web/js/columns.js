// The Columns menu (web/_columns_menu.html) inside a list's toolbar. Its
// controls post their changes through htmx attributes; this module keeps the
// list's own keys (Enter opens the selected row, j/k move, / searches) from
// acting on them while they have focus. Escape still closes the menu (menu.js).

window.addEventListener(
  "keydown",
  (event) => {
    if (event.key === "Escape") return;
    if (event.target.closest?.("[data-columns-menu]")) event.stopPropagation();
  },
  { capture: true },
);
