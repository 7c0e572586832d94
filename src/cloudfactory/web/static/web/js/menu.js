// Menus built on <details data-menu> open and close without JS. This module
// adds what people expect of a menu: Escape closes it (focus goes back to its
// button) and so does a click or focus anywhere outside it.
//
// Escape closes the innermost thing open: when it closes a menu, the event is
// marked defaultPrevented, and other Escape handlers leave it alone.

const openMenus = () => document.querySelectorAll("details[data-menu][open]");

document.addEventListener(
  "keydown",
  (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    for (const menu of openMenus()) {
      const hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) menu.querySelector("summary")?.focus();
      event.preventDefault();
    }
  },
  { capture: true },
);

for (const type of ["click", "focusin"]) {
  document.addEventListener(type, (event) => {
    for (const menu of openMenus()) {
      if (!menu.contains(event.target)) menu.open = false;
    }
  });
}
