// Keyboard and panel behaviour of a list page (web/list.html):
//   /            focus the search field
//   Up/Down, j/k move the row selection
//   Enter        open the selected row's detail panel
//   Esc          close the panel (menus close first: see menu.js)
//   ?            show these shortcuts
// With the panel open, moving the selection shows the newly selected row in
// the panel, and the URL follows in place (Back does not replay each step).
// Opening the panel moves focus to its heading; closing it returns focus to
// the row. The panel's Close link and Esc remove `selected` from the URL, so
// Back and a pasted link agree with what is on screen. Back and Forward reload the page
// from the server (web/base.html's htmx-config keeps no history cache), so the
// toolbar shows the URL's filters without help from here.

const list = document.querySelector("[data-list]");
const panelSlot = document.querySelector("[data-panel-slot]");

const rows = () => [...document.querySelectorAll("[data-list-table] tbody tr[data-row]")];
const current = () => document.querySelector("tr[data-row][aria-selected='true']");
const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

function select(row) {
  for (const other of rows()) other.removeAttribute("aria-selected");
  if (!row) return;
  row.setAttribute("aria-selected", "true");
  row.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest" });
}

function move(step) {
  const all = rows();
  if (!all.length) return;
  const index = all.indexOf(current());
  const next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
  if (all[next] === current()) return;
  select(all[next]);
  if (panelOpen()) followSoon(all[next]);
}

const panelOpen = () => Boolean(panelSlot?.querySelector("[data-panel]"));

// Holding j down reads only the row it stops on.
const FOLLOW_DELAY = 90; // ms
let followTimer;
// The row the keyboard moved the open panel to. A panel asked for a row passed
// on the way, arriving after the keyboard moved on, leaves the selection alone.
let followed = null;
function followSoon(row) {
  followed = row;
  clearTimeout(followTimer);
  followTimer = setTimeout(() => {
    if (row !== current() || !row.isConnected) return;
    history.replaceState(history.state, "", new URL(row.getAttribute("hx-push-url"), window.location.href));
    htmx.ajax("GET", row.getAttribute("hx-get"), { target: panelSlot, swap: "innerHTML" });
  }, FOLLOW_DELAY);
}

function closePanel() {
  if (!panelOpen()) return false;
  clearTimeout(followTimer);
  followed = null;
  panelSlot.replaceChildren();
  const url = new URL(window.location.href);
  url.searchParams.delete("selected");
  history.pushState({}, "", url);
  current()?.focus({ preventScroll: true });
  return true;
}

document.addEventListener("keydown", (event) => {
  if (!list || event.metaKey || event.ctrlKey || event.altKey) return;
  if (event.key === "Escape") {
    if (event.defaultPrevented) return;
    if (typing(event.target) && event.target.matches("[data-search]") && event.target.value) return;
    if (closePanel()) event.preventDefault();
    return;
  }
  if (typing(event.target)) {
    if (event.target.matches("[data-search]") && event.key === "ArrowDown") {
      event.preventDefault();
      move(1);
    }
    return;
  }
  if (event.key === "?") {
    event.preventDefault();
    document.querySelector("[data-shortcuts]")?.showModal();
  } else if (event.key === "/") {
    event.preventDefault();
    document.querySelector("[data-search]")?.focus();
  } else if (event.key === "ArrowDown" || event.key === "j") {
    event.preventDefault();
    move(1);
  } else if (event.key === "ArrowUp" || event.key === "k") {
    event.preventDefault();
    move(-1);
  } else if (event.key === "Enter" && current()) {
    event.preventDefault();
    current().click();
  }
});

document.addEventListener("click", (event) => {
  const close = event.target.closest("[data-panel-close]");
  if (close && (panelSlot?.contains(close) || close.matches(".panel-scrim"))) {
    event.preventDefault();
    closePanel();
    return;
  }
  const row = event.target.closest("tr[data-row]");
  if (row) {
    followed = null;
    select(row);
  }
});

// The panel opened: mark its row, and move focus into the panel's heading.
document.body.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target !== panelSlot) return;
  const id = panelSlot.querySelector("[data-panel][data-row-id]")?.dataset.rowId;
  const row = id && document.querySelector(`tr[data-row][data-row-id="${CSS.escape(id)}"]`);
  if (followed?.isConnected && followed !== row) return; // its own panel is on its way
  followed = null;
  if (row) {
    for (const other of rows()) other.removeAttribute("aria-selected");
    row.setAttribute("aria-selected", "true");
    row.scrollIntoView({ block: "nearest" });
  }
  const heading = panelSlot.querySelector("[data-panel] h2");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
});

// A cell cut short by "…" shows its whole text on hover.
document.addEventListener("mouseover", (event) => {
  const cell = event.target.closest?.("[data-list-table] td, [data-list-table] td > *");
  if (cell && !cell.title && cell.scrollWidth > cell.clientWidth) cell.title = cell.textContent.trim();
});

// The export link and the form's sort follow what is on screen (a header
// click changes the sort without going through the form).
document.body.addEventListener("htmx:afterSettle", () => {
  const results = document.getElementById("list-results");
  if (!results) return;
  const exportLink = document.querySelector("[data-export]");
  if (exportLink) {
    const url = new URL(exportLink.href);
    url.search = results.dataset.state || "";
    exportLink.href = url;
  }
  const sort = document.querySelector("[data-sort]:not(section)");
  if (sort && results.dataset.sort !== undefined) sort.value = results.dataset.sort;
});

// Empty filters stay out of the URL: `?type=company`, not `?q=&type=company&status=`.
document.body.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") return;
  for (const [name, value] of [...event.detail.parameters.entries()]) {
    if (value === "") event.detail.parameters.delete(name);
  }
});

// Filters the server cannot read come back as the results' own message (400):
// it replaces the results, where the filters were chosen.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400 && event.detail.target?.id === "list-results") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
