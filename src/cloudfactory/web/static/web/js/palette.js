// The command palette (web/_palette.html) on every signed-in page.
//
//   Ctrl K (⌘K on macOS), or the top bar's Search button, opens it, even from
//   a text field; Esc closes it and focus goes back where it was.
//   Typing asks GET /palette?q= (search/jinja/results.html) after a short pause;
//   an older answer never replaces a newer one. With nothing typed, it offers
//   the member's recent searches and records.
//   Up/Down (Ctrl N/P), Home/End, PageUp/PageDown move; Enter opens, Ctrl or ⌘
//   Enter opens in a new tab; the pointer selects and a click opens.
//   Opening a record remembers it and the search (POST /palette/recent).
//   A status change (data-action="status") asks for the reason in a step of
//   its own, posted to the customer's status URL as the panel's form is.
//   The page's own commands follow the server's: "Export this view" on a
//   list, and the theme (System, Light, Dark), saved to POST /me/theme.
//
// While it is open, keys typed in it stay in it: the list's shortcuts
// (list.js) and its Esc do not see them.

import { currentTheme, setTheme } from "./theme.js";
import { toast } from "./toast.js";

const dialog = document.querySelector("[data-palette]");

const DEBOUNCE = 80; // ms after the last keystroke
const QUERY_MAX = 1000; // characters sent; the server searches the first 200
const PAGE_STEP = 8; // options PageUp/PageDown move

const SENTENCES = {
  offline: "The server could not be reached. Check your connection and try again.",
  server: "Search ran into a problem on the server. Try again in a moment.",
  400: "That request was not valid. Check what you entered and try again.",
  401: "Your session has ended. Reload the page to sign in again.",
  403: "Your role does not allow this. Ask an admin if you need access.",
  404: "That no longer exists. Reload the page to see what is there now.",
  429: "Too many requests at once. Wait a moment and try again.",
};
const THEMES = [
  ["system", "System"],
  ["light", "Light"],
  ["dark", "Dark"],
];
const KIND_ICONS = new Set(["customers", "users", "orders", "invoices", "support", "overview"]);

const mac = /Mac|iPhone|iPad/.test(navigator.userAgentData?.platform || navigator.platform || "");

// --- Small helpers -----------------------------------------------------------

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

function post(url, fields, extra = {}) {
  return fetch(url, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", ...(extra.headers || {}) },
    credentials: "same-origin",
    ...extra.options,
  });
}

// A sentence for a failed response: the error page's own ([data-error-message]
// in HTML, or a plain-text body), else one for its status.
function sentenceFor(response, text) {
  const type = response.headers.get("Content-Type") || "";
  if (type.startsWith("text/html") && text) {
    const doc = new DOMParser().parseFromString(text, "text/html");
    const sentence = doc.querySelector("[data-error-message]")?.textContent.trim();
    if (sentence) return sentence;
  } else if (type.startsWith("text/plain") && text && text.length < 300 && response.status < 500) {
    return text.trim();
  }
  return SENTENCES[response.status] || SENTENCES.server;
}

// What the server says an action did ("Acme Corp suspended"): the message of
// its "cf:toast" event (HX-Trigger), which htmx would show for its own requests.
function doneSentence(response) {
  try {
    return JSON.parse(response.headers.get("HX-Trigger") || "{}")["cf:toast"]?.message || "";
  } catch {
    return "";
  }
}

function words(text) {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

// `title` as nodes, the start of each word a typed word begins marked.
function marked(title, tokens) {
  const nodes = [];
  for (const part of title.split(/(\s+)/)) {
    const lower = part.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    const token = tokens.filter((t) => lower.startsWith(t)).sort((a, b) => b.length - a.length)[0];
    if (!token || !part.trim()) {
      nodes.push(document.createTextNode(part));
      continue;
    }
    const start = part.search(/[\p{L}\p{N}]/u);
    const mark = document.createElement("mark");
    mark.textContent = part.slice(start, start + token.length);
    nodes.push(document.createTextNode(part.slice(0, start)), mark, document.createTextNode(part.slice(start + token.length)));
  }
  return nodes;
}

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "icon palette-icon");
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
  use.setAttribute("href", `${dialog.dataset.icons}#${name}`);
  svg.append(use);
  return svg;
}

// The icon of an option: its kind of record, or what it does.
function iconName(option) {
  const { kind, href, action, command } = option.dataset;
  if (kind && KIND_ICONS.has(kind)) return kind;
  if (option.dataset.search !== undefined) return "search";
  if (action === "status") return "alert";
  if (command === "export") return "download";
  if (command?.startsWith("theme-")) return "theme";
  if (href) {
    if (/[?&]q=/.test(href)) return "search";
    const first = new URL(href, window.location.origin).pathname.split("/")[1] || "overview";
    if (KIND_ICONS.has(first)) return first;
  }
  return "return";
}

// --- The palette ---------------------------------------------------------------

if (dialog) {
  const input = dialog.querySelector("[data-palette-input]");
  const list = dialog.querySelector("[data-palette-list]");
  const note = dialog.querySelector("[data-palette-note]");
  const status = dialog.querySelector("[data-palette-status]");
  const searchView = dialog.querySelector('[data-palette-view="search"]');
  const step = dialog.querySelector("[data-palette-step]");
  const stepTitle = dialog.querySelector("[data-palette-step-title]");
  const stepNote = dialog.querySelector("[data-palette-step-note]");
  const stepError = dialog.querySelector("[data-palette-step-error]");
  const reason = dialog.querySelector("[data-palette-reason]");
  const confirm = dialog.querySelector("[data-palette-confirm]");
  const hints = (name) => dialog.querySelector(`[data-palette-hints="${name}"]`);

  let returnTo = null; // what had focus before the palette opened
  let seq = 0; // the number of the newest request
  let controller = null;
  let timer = null;
  let inFlight = false;
  let shown = null; // the query the listbox shows, null when none
  let active = -1;
  let pendingEnter = null; // Enter pressed before the results arrived: { newTab }
  let stepOption = null;
  let pointer = { x: -1, y: -1 };

  for (const mod of document.querySelectorAll("[data-palette-mod]")) mod.textContent = mac ? "⌘" : "Ctrl";
  for (const hint of document.querySelectorAll("[data-palette-shortcut]")) hint.textContent = mac ? "⌘K" : "Ctrl K";
  for (const button of document.querySelectorAll("[data-palette-open]")) {
    button.setAttribute("aria-keyshortcuts", mac ? "Meta+K" : "Control+K");
    button.addEventListener("click", () => open());
  }

  const query = () => input.value.trim().slice(0, QUERY_MAX);
  const options = () => [...list.querySelectorAll('[role="option"]')];
  const inStep = () => !step.hidden;

  function open() {
    if (dialog.open) return;
    returnTo = document.activeElement;
    showSearch();
    input.value = "";
    shown = null;
    list.replaceChildren();
    list.hidden = true;
    note.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    dialog.showModal();
    input.focus();
    load();
  }

  function close() {
    if (!dialog.open) return;
    cancel();
    pendingEnter = null;
    dialog.close();
  }

  dialog.addEventListener("close", () => {
    cancel();
    const target = returnTo;
    returnTo = null;
    if (target && target.isConnected && target !== document.body) target.focus({ preventScroll: true });
  });

  // Stop what is waiting or running: its answer will not be shown.
  function cancel() {
    clearTimeout(timer);
    timer = null;
    seq += 1;
    controller?.abort();
    controller = null;
    busy(false);
  }

  function busy(on) {
    inFlight = on;
    dialog.toggleAttribute("data-busy", on);
    list.setAttribute("aria-busy", on ? "true" : "false");
  }

  function announce(sentence) {
    // The same sentence twice is still announced.
    status.textContent = status.textContent === sentence ? `${sentence} ` : sentence;
  }

  // --- Asking the server ------------------------------------------------------

  function schedule() {
    clearTimeout(timer);
    // An answer on its way is for what was typed before: it is not shown.
    seq += 1;
    controller?.abort();
    controller = null;
    busy(true);
    timer = setTimeout(load, DEBOUNCE);
  }

  async function load() {
    clearTimeout(timer);
    timer = null;
    const q = query();
    const mine = ++seq;
    controller?.abort();
    controller = new AbortController();
    busy(true);
    let response;
    let text;
    try {
      response = await fetch(`/palette?q=${encodeURIComponent(q)}`, {
        signal: controller.signal,
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
      text = await response.text();
    } catch {
      if (mine === seq) fail(SENTENCES.offline);
      return;
    } finally {
      if (mine === seq) busy(false);
    }
    if (mine !== seq) return; // a newer request was made: this answer is old
    if (!response.ok) {
      fail(sentenceFor(response, text));
      return;
    }
    render(text, q);
  }

  function fail(sentence) {
    pendingEnter = null;
    shown = null;
    showOptions([], sentence, true);
    announce(sentence);
  }

  // --- Showing the options ------------------------------------------------------

  function render(html, q) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const root = doc.querySelector("[data-palette-results]");
    const groups = root ? [...root.querySelectorAll(':scope > [role="group"]')] : [];
    const empty = root?.querySelector(".palette-empty")?.textContent.trim() || "Nothing matches.";
    const commands = q ? pageCommands(q) : [];
    if (commands.length) {
      let group = groups.find((g) => g.dataset.commands !== undefined);
      if (!group) {
        group = document.createElement("div");
        group.setAttribute("role", "group");
        group.setAttribute("aria-labelledby", "palette-group-page");
        group.className = "palette-group";
        group.dataset.commands = "";
        const label = document.createElement("p");
        label.className = "palette-group-label";
        label.id = "palette-group-page";
        label.setAttribute("role", "presentation");
        label.textContent = "Commands";
        group.append(label);
        groups.push(group);
      }
      group.append(...commands);
    }
    for (const group of groups) {
      for (const option of group.querySelectorAll('[role="option"]')) option.prepend(icon(iconName(option)));
    }
    shown = q;
    showOptions(groups, empty, false);
    const count = options().length;
    if (!q) announce(count ? "Recent searches and records" : "");
    else announce(count === 0 ? "No results" : count === 1 ? "1 result" : `${count} results`);
    if (pendingEnter && q === query()) {
      const { newTab } = pendingEnter;
      pendingEnter = null;
      activate(options()[0], newTab);
    }
  }

  function showOptions(groups, sentence, error) {
    list.replaceChildren(...groups);
    const any = options().length > 0;
    list.hidden = !any;
    note.hidden = any;
    note.textContent = any ? "" : sentence;
    note.classList.toggle("palette-note-error", error);
    input.setAttribute("aria-expanded", any ? "true" : "false");
    searchView.scrollTop = 0;
    select(0);
  }

  // "Export this view" and the themes, when the typed words begin theirs.
  function pageCommands(q) {
    const tokens = words(q);
    if (!tokens.length) return [];
    const found = [];
    const exportLink = document.querySelector("[data-export]");
    if (exportLink) {
      found.push({
        id: "export",
        title: "Export this view",
        meta: "A CSV file of what this list shows",
        words: ["export", "view", "download", "csv"],
      });
    }
    const theme = currentTheme();
    for (const [value, label] of THEMES) {
      found.push({
        id: `theme-${value}`,
        title: `Theme: ${label}`,
        meta: value === theme ? "Current theme" : value === "system" ? "Follow the device's setting" : "",
        words: ["theme", value],
      });
    }
    return found
      .filter((command) => tokens.every((t) => command.words.some((w) => w.startsWith(t))))
      .map((command) => {
        const option = document.createElement("div");
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "palette-option";
        option.id = `palette-command-${command.id}`;
        option.dataset.command = command.id;
        option.dataset.label = command.title;
        const title = document.createElement("span");
        title.className = "palette-title";
        title.append(...marked(command.title, tokens));
        option.append(title);
        if (command.meta) {
          const meta = document.createElement("span");
          meta.className = "palette-meta";
          meta.textContent = command.meta;
          option.append(meta);
        }
        return option;
      });
  }

  function select(index, { scroll = true } = {}) {
    const all = options();
    if (!all.length) {
      active = -1;
      input.removeAttribute("aria-activedescendant");
      return;
    }
    active = Math.min(all.length - 1, Math.max(0, index));
    all.forEach((option, i) => option.setAttribute("aria-selected", i === active ? "true" : "false"));
    input.removeAttribute("aria-activedescendant");
    input.setAttribute("aria-activedescendant", all[active].id);
    if (!scroll) return;
    if (active === 0) {
      searchView.scrollTop = 0;
      return;
    }
    // The first of a group brings its label into view too.
    const group = all[active].closest('[role="group"]');
    if (group && group.querySelector('[role="option"]') === all[active]) {
      group.querySelector(".palette-group-label")?.scrollIntoView({ block: "nearest" });
    }
    all[active].scrollIntoView({ block: "nearest" });
  }

  function move(step, wrap = true) {
    const count = options().length;
    if (!count) return;
    let next = active + step;
    if (wrap && (active === count - 1 || active === 0)) next = (next + count) % count;
    select(next);
  }

  // --- Opening an option ----------------------------------------------------------

  function activate(option, newTab = false) {
    if (!option) return;
    const data = option.dataset;
    if (data.search !== undefined) {
      input.value = data.search;
      load();
      return;
    }
    if (data.action === "status") {
      showStep(option);
      return;
    }
    if (data.command) {
      runCommand(data.command);
      return;
    }
    if (!data.href) return;
    rememberOpening(option);
    if (newTab) {
      window.open(data.href, "_blank", "noopener");
      close();
      return;
    }
    window.location.assign(data.href);
  }

  function remember(kind, key, label) {
    if (!key || !label) return;
    // keepalive: the request outlives the page that the navigation leaves.
    post("/palette/recent", { kind, key, label }, { options: { keepalive: true } }).catch(() => {});
  }

  function rememberOpening(option) {
    const data = option.dataset;
    const command = option.closest("[data-commands]") !== null;
    if (data.kind || (!shown && data.href)) remember("record", data.href, data.label);
    if (shown && !command) remember("search", shown, shown);
  }

  function runCommand(name) {
    if (name === "export") {
      const link = document.querySelector("[data-export]");
      close();
      link?.click();
    } else if (name.startsWith("theme-")) {
      close();
      setTheme(name.slice("theme-".length));
    }
  }

  // --- The status step --------------------------------------------------------------

  function showStep(option) {
    stepOption = option;
    const { confirm: confirmText, consequence, customer, status: target } = option.dataset;
    const verb = option.dataset.verb || "Change the status of";
    const name = document.createElement("bdi");
    name.textContent = customer || "";
    stepTitle.replaceChildren(`${verb} `, name);
    stepNote.textContent = consequence || "";
    stepNote.hidden = !consequence;
    confirm.textContent = confirmText || "Confirm";
    confirm.classList.toggle("btn-danger", target !== "active");
    confirm.classList.toggle("btn-primary", target === "active");
    confirm.disabled = false;
    stepError.hidden = true;
    stepError.textContent = "";
    reason.value = "";
    reason.removeAttribute("aria-invalid");
    searchView.hidden = true;
    hints("search").hidden = true;
    step.hidden = false;
    hints("step").hidden = false;
    input.setAttribute("aria-expanded", "false");
    reason.focus();
  }

  function showSearch() {
    stepOption = null;
    step.hidden = true;
    hints("step").hidden = true;
    searchView.hidden = false;
    hints("search").hidden = false;
  }

  function back() {
    showSearch();
    input.setAttribute("aria-expanded", options().length ? "true" : "false");
    input.focus();
    select(active);
  }

  function stepFailed(sentence) {
    stepError.textContent = sentence;
    stepError.hidden = false;
    reason.setAttribute("aria-invalid", "true");
    reason.focus();
  }

  step.addEventListener("submit", async (event) => {
    event.preventDefault();
    const option = stepOption;
    if (!option || confirm.disabled) return;
    if (!reason.value.trim()) {
      stepFailed("Give a reason for the status change.");
      return;
    }
    const { url } = option.dataset;
    const target = option.dataset.status;
    confirm.disabled = true;
    let response;
    let text;
    try {
      response = await post(
        url,
        { status: target, reason: reason.value },
        { headers: { "HX-Current-URL": window.location.href } },
      );
      text = await response.text();
    } catch {
      confirm.disabled = false;
      stepFailed(SENTENCES.offline);
      return;
    }
    confirm.disabled = false;
    if (stepOption !== option) return; // went back meanwhile
    if (response.ok) {
      close();
      toast(doneSentence(response) || `Status of ${option.dataset.customer} changed`);
      return;
    }
    if (response.status === 422) {
      const doc = new DOMParser().parseFromString(text, "text/html");
      const sentences = [...doc.querySelectorAll(".alert-error")].map((el) => el.textContent.trim());
      stepFailed(sentences.filter(Boolean).join(" ") || SENTENCES[400]);
      return;
    }
    stepFailed(sentenceFor(response, text));
  });

  dialog.querySelector("[data-palette-back]").addEventListener("click", back);
  dialog.querySelector("[data-palette-close]").addEventListener("click", close);

  // --- Keys ----------------------------------------------------------------------------

  const isShortcut = (event) =>
    (event.key?.toLowerCase() === "k" || event.code === "KeyK") &&
    !event.altKey &&
    !event.shiftKey &&
    (mac ? event.metaKey && !event.ctrlKey : (event.ctrlKey || event.metaKey) && !(event.ctrlKey && event.metaKey));

  // Capture on window: before the page's handlers, and from text fields too.
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.isComposing || !isShortcut(event)) return;
      event.preventDefault();
      event.stopPropagation();
      if (!dialog.open) open();
      else if (!inStep()) {
        input.focus();
        input.select();
      }
    },
    { capture: true },
  );

  dialog.addEventListener("keydown", (event) => {
    // Keys typed here are the palette's alone (list.js, menus, panels).
    event.stopPropagation();
    if (event.isComposing) return;
    const mod = event.metaKey || event.ctrlKey;
    if (event.key === "Escape") {
      event.preventDefault();
      if (inStep()) back();
      else close();
      return;
    }
    if (inStep()) {
      if (event.key === "Enter" && mod) {
        event.preventDefault();
        step.requestSubmit();
      }
      return;
    }
    if (event.target !== input) return;
    const ctrlOnly = event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey;
    if (event.key === "ArrowDown" || (ctrlOnly && event.key === "n")) {
      event.preventDefault();
      move(1);
    } else if (event.key === "ArrowUp" || (ctrlOnly && event.key === "p")) {
      event.preventDefault();
      move(-1);
    } else if ((event.key === "Home" || event.key === "End") && !event.shiftKey && options().length) {
      event.preventDefault();
      select(event.key === "Home" ? 0 : options().length - 1);
    } else if (event.key === "PageDown" || event.key === "PageUp") {
      event.preventDefault();
      move(event.key === "PageDown" ? PAGE_STEP : -PAGE_STEP, false);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (timer || inFlight || shown === null || shown !== query()) {
        // The results for what is typed are not shown yet: open the first
        // when they are.
        pendingEnter = { newTab: mod };
        if (!timer && !inFlight) load();
        return;
      }
      activate(options()[active], mod);
    }
  });

  // The browser's own Esc (a dialog's cancel) comes here only when the key
  // handler above did not see it.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (inStep()) back();
    else close();
  });

  input.addEventListener("input", () => {
    pendingEnter = null;
    schedule();
  });

  // --- Pointer ---------------------------------------------------------------------------

  // Moving the pointer selects; a list redrawn under a still pointer does not.
  list.addEventListener("pointermove", (event) => {
    if (event.clientX === pointer.x && event.clientY === pointer.y) return;
    pointer = { x: event.clientX, y: event.clientY };
    const option = event.target.closest('[role="option"]');
    const index = options().indexOf(option);
    if (index >= 0 && index !== active) select(index, { scroll: false });
  });
  // Focus stays in the field.
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest('[role="option"]');
    if (!option) return;
    select(options().indexOf(option), { scroll: false });
    activate(option, event.metaKey || event.ctrlKey);
  });
  list.addEventListener("auxclick", (event) => {
    const option = event.target.closest('[role="option"]');
    if (event.button === 1 && option?.dataset.href) {
      event.preventDefault();
      activate(option, true);
    }
  });

  // A click on the backdrop (the dialog itself, outside its content) closes it.
  let downOnBackdrop = false;
  dialog.addEventListener("pointerdown", (event) => {
    downOnBackdrop = event.target === dialog;
  });
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog && downOnBackdrop) close();
    downOnBackdrop = false;
  });
}
