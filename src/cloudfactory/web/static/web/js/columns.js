// The Columns menu (web/_columns_menu.html) inside a list's toolbar: its
// panel is read from the server each time the menu opens, so it shows the
// columns as they are now, and emptied when it closes. Its controls post
// their changes through htmx attributes. While they have focus, the list's
// own keys (Enter opens the selected row, j/k move, / searches) leave them
// alone; Escape still closes the menu (menu.js).

document.addEventListener(
  "toggle",
  (event) => {
    const menu = event.target;
    if (!menu.matches?.("[data-columns-menu]")) return;
    if (menu.open) htmx.trigger(menu.querySelector("summary"), "columns-open");
    else menu.querySelector("#columns-panel")?.replaceChildren();
  },
  { capture: true },
);

window.addEventListener(
  "keydown",
  (event) => {
    if (event.key === "Escape") return;
    if (event.target.closest?.("[data-columns-menu]")) event.stopPropagation();
  },
  { capture: true },
);
