// The summary cards' quiet "Updated <time>" and the words beside their live
// figures (live.js writes the figures themselves):
//   - each live entry's totals make the cards current again: "just now";
//   - the relative time is written again every 30 s ("5 minutes ago");
//   - a noun beside a figure ([data-noun-of]) is singular for 1.
// Cards read again from the server ([data-live-refresh]) bring their own.

const TICK = 30_000; // ms

function ago(then) {
  const minutes = Math.floor((Date.now() - then) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return minutes === 1 ? "1 minute ago" : `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? "1 hour ago" : `${hours} hours ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

function showAges() {
  for (const time of document.querySelectorAll("time[data-updated]")) {
    const then = Date.parse(time.dateTime);
    if (!Number.isNaN(then)) time.textContent = ago(then);
  }
}

function updated(totals) {
  const now = new Date();
  for (const time of document.querySelectorAll("time[data-updated]")) {
    time.dateTime = now.toISOString();
    time.title = now.toLocaleString();
    time.textContent = "just now";
  }
  for (const noun of document.querySelectorAll("[data-noun-of]")) {
    const value = totals[noun.dataset.nounOf];
    if (value !== undefined) noun.textContent = value === "1" ? noun.dataset.one : noun.dataset.many;
  }
}

if (document.querySelector("time[data-updated]")) {
  document.addEventListener("cf:live", (event) => {
    if (event.detail?.totals) updated(event.detail.totals);
  });
  setInterval(showAges, TICK);
}
