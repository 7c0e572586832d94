// Live updates on every signed-in page: one EventSource on /events.
//   - The topbar's indicator says Live, Reconnecting… or Offline.
//   - Each entry of the event log arrives once, in order; it is passed on
//     as a "cf:live" event on document (detail: the entry), for list.js.
//   - The summary figures ([data-total]) take the entry's totals, with a
//     brief highlight; the Overview's recent activity is read again.
// The browser reconnects by itself and sends Last-Event-ID; the server then
// replays what was missed, or says "reload" when that is too much, and this
// page reads its data again.

const body = document.body;
const indicator = document.querySelector("[data-live-status]");
const STATES = {
  connecting: ["Connecting…", "Connecting to live updates"],
  live: ["Live", "Changes appear as they happen"],
  reconnecting: ["Reconnecting…", "The connection dropped; reconnecting"],
  offline: ["Offline", "Live updates are off; figures may be out of date. Retrying."],
};
const RETRY_CLOSED = [2000, 5000, 10000, 30000]; // ms, after a refused stream

let source = null;
let lastId = body.dataset.liveSince || "";
let refusals = 0;

function show(state) {
  if (!indicator) return;
  const [label, title] = STATES[state];
  indicator.dataset.state = state;
  indicator.title = title;
  indicator.querySelector(".live-label").textContent = label;
}

function connect() {
  const url = lastId ? `/events?since=${encodeURIComponent(lastId)}` : "/events";
  source = new EventSource(url);
  source.onopen = () => {
    refusals = 0;
    show("live");
  };
  source.onmessage = (message) => {
    lastId = message.lastEventId || lastId;
    let entry;
    try {
      entry = JSON.parse(message.data);
    } catch {
      return;
    }
    document.dispatchEvent(new CustomEvent("cf:live", { detail: entry }));
  };
  source.addEventListener("reload", (message) => {
    lastId = message.lastEventId || lastId;
    // list.js takes it (cancels it) on a list page.
    const unhandled = document.dispatchEvent(new CustomEvent("cf:live-reload", { cancelable: true }));
    readAgain(unhandled);
  });
  source.addEventListener("closing", () => show("reconnecting"));
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // Refused (signed out, too many pages open, server down): the browser
      // gives up; try again later from the last entry seen.
      show("offline");
      source.close();
      const wait = RETRY_CLOSED[Math.min(refusals, RETRY_CLOSED.length - 1)];
      refusals += 1;
      setTimeout(connect, wait + Math.random() * 1000);
    } else {
      show("reconnecting");
    }
  };
}

function flash(element) {
  element.classList.remove("live-flash");
  void element.offsetWidth; // restart the animation
  element.classList.add("live-flash");
}

function showTotals(totals) {
  if (!totals) return;
  for (const figure of document.querySelectorAll("[data-total]")) {
    const value = totals[figure.dataset.total];
    if (value === undefined || figure.textContent === value) continue;
    figure.textContent = value;
    if (figure.dataset.total === "revenue" && totals.revenue_exact) figure.title = totals.revenue_exact;
    flash(figure);
  }
}

// Reads `url` (a partial) as background work: it does not count as the
// member's activity for the idle sign-out.
export async function fetchPartial(url) {
  const response = await fetch(url, { headers: { "HX-Request": "true", "X-Background": "true" } });
  if (!response.ok) throw new Error(`${response.status}`);
  return new DOMParser().parseFromString(await response.text(), "text/html");
}

// The ids of the rows of list `listName` ("customers", "orders") an entry
// changes: its own record, and on Customers the customer it is about.
export function touchedIds(entry, listName) {
  const ids = [];
  if (entry.record?.list === listName && entry.record.id != null) ids.push(String(entry.record.id));
  if (listName === "customers" && entry.customer?.id != null) ids.push(String(entry.customer.id));
  return ids;
}

// Run `work` at most once per `delay` ms however often it is asked for, and
// never twice at once.
export function coalesce(work, delay = 150) {
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await work();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (!timer) timer = setTimeout(run, delay);
  };
  return schedule;
}

const activity = document.querySelector("[data-live-activity]");
const refreshActivity = coalesce(async () => {
  const region = document.querySelector("[data-live-activity]");
  if (!region) return;
  const page = await fetchPartial(region.dataset.liveActivity);
  const fresh = page.querySelector("[data-live-activity]");
  if (fresh) region.replaceChildren(...fresh.childNodes);
}, 300);

document.addEventListener("cf:live", (event) => {
  showTotals(event.detail.totals);
  if (activity) refreshActivity();
});
// Too much was missed to replay: each part of the page that can read itself
// again ([data-live-refresh]: its URL) does; a page with none that no one
// else took care of reloads.
async function readAgain(unhandled) {
  const regions = [...document.querySelectorAll("[data-live-refresh]")];
  if (activity) refreshActivity();
  if (unhandled && !regions.length && !activity) {
    window.location.reload();
    return;
  }
  for (const region of regions) {
    const page = await fetchPartial(region.dataset.liveRefresh);
    const fresh = page.getElementById(region.id);
    if (fresh) region.replaceWith(fresh);
  }
}

if (body.dataset.liveSince !== undefined && "EventSource" in window) {
  show("connecting");
  connect();
} else {
  show("offline");
}
