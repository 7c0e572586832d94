// Live updates of an open detail panel (a list's panel, or a record's own
// page): when an entry touches the record it shows, its live regions
// ([data-live-region]: status, badges, history...) are read again from the
// panel's URL and replaced, leaving alone one where something is being typed
// or chosen. A panel without regions is replaced whole unless it is in use.
//
// The panel's container carries data-live-panel="<list name>" and
// data-live-panel-url (its URL with 0 for the record's id).

import { coalesce, fetchPartial, touchedIds } from "./live.js";

const container = () => document.querySelector("[data-live-panel]");
const openPanel = () => container()?.querySelector("[data-panel][data-row-id]");

// Something being typed or chosen in `element` is not replaced under the hand.
function inUse(element) {
  const focused = document.activeElement;
  if (focused && element.contains(focused) && focused.matches("input, textarea, select")) return true;
  if (element.querySelector("details[open]")) return true;
  return [...element.querySelectorAll("textarea, input[type=text]")].some((field) => field.value);
}

const readPanel = coalesce(async () => {
  const panel = openPanel();
  if (!panel) return;
  const id = panel.dataset.rowId;
  const url = container().dataset.livePanelUrl.replace("/0/", `/${encodeURIComponent(id)}/`);
  let page;
  try {
    page = await fetchPartial(url);
  } catch {
    return; // gone (404) or unreachable: keep what is shown
  }
  const fresh = page.querySelector("[data-panel]");
  if (!fresh || openPanel() !== panel || fresh.dataset.rowId !== id) return;
  const regions = [...panel.querySelectorAll("[data-live-region]")];
  if (!regions.length) {
    if (!inUse(panel)) {
      panel.replaceWith(fresh);
      htmx.process(fresh);
    }
    return;
  }
  for (const region of regions) {
    const name = CSS.escape(region.dataset.liveRegion);
    const replacement = fresh.querySelector(`[data-live-region="${name}"]`);
    if (!replacement || inUse(region) || region.innerHTML === replacement.innerHTML) continue;
    region.replaceWith(replacement);
    htmx.process(replacement);
  }
}, 200);

document.addEventListener("cf:live", (event) => {
  const panel = openPanel();
  if (panel && touchedIds(event.detail, container().dataset.livePanel).includes(panel.dataset.rowId)) {
    readPanel();
  }
});

document.addEventListener("cf:live-reload", () => readPanel());
