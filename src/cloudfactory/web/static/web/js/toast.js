// Toasts: one short sentence at a time in the page's [data-toasts] region.
//   - A confirmation (tone "success") is announced politely (role="status")
//     and hides itself after a few seconds, not while pointed at or focused.
//   - An error (tone "error") is announced at once (role="alert") and stays
//     until dismissed.
//   - Every toast has a Dismiss button.
// Also shown here: what the server asks for with the "cf:toast" event
// (HX-Trigger: {"cf:toast": {"message": "…"}}), and "Export started" when an
// Export link ([data-export]) is clicked.

const TOAST_TIME = 6000; // ms a confirmation stays
export const EXPORT_STARTED = "Export started. The CSV file downloads in a moment.";

function region() {
  let el = document.querySelector("[data-toasts]");
  if (!el) {
    el = document.createElement("div");
    el.className = "toasts";
    el.dataset.toasts = "";
    document.body.append(el);
  }
  return el;
}

export function toast(sentence, tone = "success") {
  const item = document.createElement("div");
  item.className = `toast toast-${tone}`;
  const text = document.createElement("p");
  text.setAttribute("role", tone === "error" ? "alert" : "status");
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "toast-close";
  dismiss.setAttribute("aria-label", "Dismiss");
  dismiss.textContent = "×";
  dismiss.addEventListener("click", () => item.remove());
  item.append(text, dismiss);
  // One at a time: the newest is the one that matters.
  region().replaceChildren(item);
  // Filled once in the page, so the live region announces it.
  setTimeout(() => {
    text.textContent = sentence;
  }, 50);
  if (tone === "error") return;
  let timer = setTimeout(() => item.remove(), TOAST_TIME);
  const hold = () => clearTimeout(timer);
  const resume = () => {
    clearTimeout(timer);
    timer = setTimeout(() => item.remove(), TOAST_TIME / 2);
  };
  item.addEventListener("pointerenter", hold);
  item.addEventListener("focusin", hold);
  item.addEventListener("pointerleave", resume);
  item.addEventListener("focusout", (event) => {
    if (!item.contains(event.relatedTarget)) resume();
  });
}

document.addEventListener("cf:toast", (event) => {
  const message = event.detail?.message ?? event.detail?.value;
  if (message) toast(String(message));
});

document.addEventListener("click", (event) => {
  const link = event.target.closest?.("[data-export]");
  if (link && !event.defaultPrevented) toast(EXPORT_STARTED);
});
