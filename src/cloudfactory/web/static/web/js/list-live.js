// Live updates of a list page (web/list.html), from the entries live.js
// passes on:
//   - a row on screen that an entry changes is read again and replaced in
//     place, keeping the selection and the focus;
//   - rows added above the first one shown appear at the top when the reader
//     is at the top; otherwise a bar offers them ("3 new customers · Show")
//     and the reader keeps their place;
//   - the count is read again (an open panel: see panel-live.js).
// Updates are gathered and read at most every 150 ms, never two at once.

import { coalesce, fetchPartial, touchedIds } from "./live.js";

const layout = document.querySelector("[data-list]");
const listName = layout?.dataset.listName;
const wanted = { ids: new Set(), added: false, count: false, panel: false };
// Rows added while the reader was scrolled down, newest first.
let waiting = [];
let waitingCursor = "";
let waitingMore = false;

const results = () => document.getElementById("list-results");
const tbody = () => document.querySelector("[data-list-table] tbody");
const scroller = () => document.querySelector("#list-results .table-scroll");
const rowById = (id) => document.querySelector(`tr[data-row][data-row-id="${CSS.escape(String(id))}"]`);


function atTop() {
  return (scroller()?.scrollTop ?? 0) < 8;
}

function flash(row) {
  row.classList.remove("live-flash");
  void row.offsetWidth;
  row.classList.add("live-flash");
}

function replaceRow(old, fresh) {
  if (old.getAttribute("aria-selected") === "true") fresh.setAttribute("aria-selected", "true");
  else fresh.removeAttribute("aria-selected");
  const hadFocus = document.activeElement === old;
  old.replaceWith(fresh);
  htmx.process(fresh);
  if (hadFocus) fresh.focus({ preventScroll: true });
  flash(fresh);
}

function insertAtTop(rows, cursor) {
  const body = tbody();
  if (!body || !rows.length) return;
  body.prepend(...rows);
  for (const row of rows) {
    htmx.process(row);
    flash(row);
  }
  results().dataset.firstCursor = cursor;
}

function showBar() {
  const bar = document.querySelector("[data-live-bar]");
  if (!bar) return;
  const n = waiting.length;
  const noun = n === 1 ? layout.dataset.nounOne : layout.dataset.noun;
  bar.querySelector("[data-live-bar-text]").textContent = waitingMore
    ? `New ${layout.dataset.noun}`
    : `${n.toLocaleString("en-US")} new ${noun}`;
  bar.hidden = !(n || waitingMore);
}

function forgetWaiting() {
  waiting = [];
  waitingCursor = "";
  waitingMore = false;
  showBar();
}

function readResultsAgain() {
  forgetWaiting();
  htmx.ajax("GET", window.location.pathname + window.location.search, {
    target: "#list-results",
    swap: "outerHTML",
    headers: { "X-Background": "true" },
  });
}

function showWaiting() {
  if (waitingMore) {
    readResultsAgain();
    return;
  }
  insertAtTop(waiting, waitingCursor);
  forgetWaiting();
  const box = scroller();
  if (box) box.scrollTop = 0;
  tbody()?.querySelector("tr[data-row]")?.focus({ preventScroll: true });
}

function applyAdded(added) {
  const cursor = added.dataset.firstCursor;
  const more = added.hasAttribute("data-more");
  const rows = [...added.querySelectorAll("tr[data-row]")].filter((row) => !rowById(row.dataset.rowId));
  if (!rows.length && !more) return;
  if (!tbody()) {
    readResultsAgain(); // the empty state: read the list again
  } else if (atTop() && !waiting.length && !more) {
    insertAtTop(rows, cursor);
  } else {
    waiting = [...rows, ...waiting];
    waitingCursor = cursor || waitingCursor;
    waitingMore ||= more;
    showBar();
  }
}

const readChanges = coalesce(async () => {
  const section = results();
  if (!section) return;
  const ids = [...wanted.ids].filter((id) => rowById(id));
  const { added, count } = wanted;
  wanted.ids.clear();
  wanted.added = wanted.count = false;
  if (!ids.length && !added && !count) return;
  const params = new URLSearchParams(section.dataset.state || "");
  const selected = document.querySelector("tr[data-row][aria-selected='true']")?.dataset.rowId;
  if (selected) params.set("selected", selected);
  // The rows come back with the columns the header on screen shows.
  if (section.dataset.columns) params.set("columns", section.dataset.columns);
  if (ids.length) params.set("ids", ids.join(","));
  if (count || added) params.set("count", "1");
  if (added) {
    params.set("new", "1");
    const above = waitingCursor || section.dataset.firstCursor;
    if (above) params.set("above", above);
  }
  const page = await fetchPartial(`${layout.dataset.liveUrl}?${params}`);
  if (section !== results()) return; // the list changed meanwhile
  const count_ = page.getElementById("result-count");
  const shown = document.getElementById("result-count");
  if (count_ && shown && count_.textContent !== shown.textContent) shown.replaceWith(count_);
  for (const fresh of page.querySelectorAll("[data-live-changed] tr[data-row]")) {
    const old = rowById(fresh.dataset.rowId);
    if (old) replaceRow(old, fresh);
  }
  const addedRows = page.querySelector("[data-live-added]");
  if (added && addedRows) applyAdded(addedRows);
});

if (layout && listName) {
  document.addEventListener("cf:live", (event) => {
    const entry = event.detail;
    // Rows on screen it changes; a row it adds; a count it may change (an
    // entry about one of this list's own records: added, removed, its
    // status changed). Anything else costs this page no request.
    const shown = touchedIds(entry, listName).filter((id) => rowById(id));
    const adds = entry.adds === listName;
    const counts = adds || entry.record?.list === listName;
    if (!shown.length && !counts) return;
    for (const id of shown) wanted.ids.add(id);
    if (adds) wanted.added = true;
    if (counts) wanted.count = true;
    readChanges();
  });

  document.addEventListener("cf:live-reload", (event) => {
    event.preventDefault();
    readResultsAgain();
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-live-bar-show]")) showWaiting();
  });

  // A new search, filter or sort: rows waiting for the old one no longer apply.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target?.id === "list-results" || event.target?.id === "list-results") forgetWaiting();
  });
}
