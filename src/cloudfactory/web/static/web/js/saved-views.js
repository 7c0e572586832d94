// Saved views (web/_views_bar.html): opens the bar's dialogs, sends its
// actions with the list's state as it is now, swaps in the bar the server
// sends back and confirms with a toast; an error shows in the dialog (or as
// a toast) where the action was taken.
//
// While a view is open (`view` in the URL), refining the list keeps it open:
// the toolbar's requests carry `view` (and the view's columns), so the tab
// stays current and its owner can update it to what is on screen. "Clear
// filters" goes back to All.

import { toast } from "./toast.js";

const bar = () => document.querySelector("[data-saved-views]");

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

function currentView() {
  return new URLSearchParams(window.location.search).get("view") || "";
}

// The column names shown now, as the results say (web/_results.html).
function shownColumns() {
  const results = document.querySelector("#list-results[data-columns]");
  return results ? results.dataset.columns : null;
}

function markCurrentTab() {
  const view = currentView();
  for (const tab of document.querySelectorAll("[data-view-tab]")) {
    if (tab.dataset.viewTab === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
}

function showView(view) {
  const url = new URL(window.location.href);
  if (view) url.searchParams.set("view", view);
  else url.searchParams.delete("view");
  url.searchParams.delete("cursor");
  history.replaceState(history.state, "", url);
}

function swapBar(html) {
  const old = bar();
  if (!old) return;
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  const fresh = template.content.firstElementChild;
  old.replaceWith(fresh);
  window.htmx?.process(fresh);
}

function openDialog(name) {
  const dialog = bar()?.querySelector(`[data-view-dialog-box="${name}"]`);
  if (!dialog) return;
  for (const menu of bar().querySelectorAll("details[open]")) menu.open = false;
  const error = dialog.querySelector("[data-view-error]");
  if (error) error.textContent = "";
  dialog.showModal();
  const field = dialog.querySelector("input:not([type=hidden]):not([type=radio])");
  if (field) {
    field.focus();
    field.select();
  }
}

async function send(form) {
  for (const input of form.querySelectorAll("[data-view-state]")) {
    input.value = window.location.search.replace(/^\?/, "");
  }
  const columns = shownColumns();
  if (columns !== null) {
    for (const input of form.querySelectorAll("[data-view-columns]")) input.value = columns;
  }
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      credentials: "same-origin",
    });
  } catch {
    fail(form, "The server could not be reached. Check your connection and try again.");
    if (button) button.disabled = false;
    return;
  }
  if (button) button.disabled = false;
  const type = response.headers.get("Content-Type") || "";
  if (response.ok && type.startsWith("application/json")) {
    const done = await response.json();
    form.closest("dialog")?.close();
    swapBar(done.bar);
    showView(done.view ? String(done.view) : "");
    markCurrentTab();
    toast(done.message);
    return;
  }
  let sentence = "The view could not be changed. Reload the page and try again.";
  if (type.startsWith("text/plain")) sentence = (await response.text()) || sentence;
  else if (response.status === 401) sentence = "Your session has ended. Reload the page to sign in again.";
  else if (response.status === 403) sentence = "Your role does not allow this. Ask an admin if you need access.";
  fail(form, sentence);
}

function fail(form, sentence) {
  const error = form.querySelector("[data-view-error]");
  if (error && form.closest("dialog")?.open) error.textContent = sentence;
  else toast(sentence, "error");
}

document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-saved-views] [data-view-dialog]");
  if (opener) {
    openDialog(opener.dataset.viewDialog);
    return;
  }
  if (event.target.closest("[data-saved-views] [data-view-cancel]")) {
    event.target.closest("dialog")?.close();
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-saved-views] form[data-view-action]");
  if (!form) return;
  event.preventDefault();
  send(form);
});

// Escape closes the innermost thing open: a view's dialog before the panel.
document.addEventListener(
  "keydown",
  (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const dialog = bar()?.querySelector("dialog[open]");
    if (!dialog) return;
    dialog.close();
    event.preventDefault();
  },
  { capture: true },
);

document.addEventListener("htmx:configRequest", (event) => {
  const view = currentView();
  const { elt, verb, path } = event.detail;
  if (!view || verb !== "get" || elt.closest("[data-clear-filters], [data-saved-views]")) return;
  if (new URL(path, window.location.href).pathname !== window.location.pathname) return;
  if (!elt.closest("form")) return;
  // The view's columns (`columns=` in its link) stay with it too.
  const columns = new URLSearchParams(window.location.search).get("columns");
  const kept = columns ? { columns, view } : { view };
  for (const [name, value] of Object.entries(kept)) {
    if (event.detail.formData) event.detail.formData.set(name, value);
    else event.detail.parameters[name] = value;
  }
});

document.addEventListener("htmx:pushedIntoHistory", markCurrentTab);
document.addEventListener("htmx:replacedInHistory", markCurrentTab);
