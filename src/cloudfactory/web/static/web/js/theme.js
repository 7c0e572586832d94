// The theme (System, Light, Dark): the user menu's choice ([data-theme-form])
// and the palette's commands both come here. The page switches at once, the
// choice is saved (POST /me/theme), a toast confirms it, and the menu marks
// the current one (aria-pressed). If saving fails, the page goes back to the
// theme it had and says why.

import { toast } from "./toast.js";

const LABELS = { system: "System", light: "Light", dark: "Dark" };
const OFFLINE = "The server could not be reached. Check your connection and try again.";
const REFUSED = "The theme could not be saved. Try again in a moment.";

export function currentTheme() {
  return document.documentElement.dataset.theme || "system";
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const meta = document.querySelector('meta[name="color-scheme"]');
  if (meta) meta.content = theme === "system" ? "light dark" : theme;
  for (const option of document.querySelectorAll("[data-theme-form] button[name='theme']")) {
    option.setAttribute("aria-pressed", option.value === theme ? "true" : "false");
  }
}

async function refusal(response) {
  const text = await response.text().catch(() => "");
  const plain = (response.headers.get("Content-Type") || "").startsWith("text/plain");
  return plain && text && text.length < 300 ? text.trim() : REFUSED;
}

export async function setTheme(theme) {
  const before = currentTheme();
  applyTheme(theme);
  let response;
  try {
    response = await fetch("/me/theme", {
      method: "POST",
      body: new URLSearchParams({ theme }),
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      credentials: "same-origin",
    });
  } catch {
    applyTheme(before);
    toast(OFFLINE, "error");
    return;
  }
  if (response.status !== 204) {
    applyTheme(before);
    toast(await refusal(response), "error");
    return;
  }
  toast(`Theme set to ${LABELS[theme] || theme}`);
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest?.("[data-theme-form]");
  const theme = event.submitter?.value;
  if (!form || !theme) return;
  event.preventDefault();
  form.closest("details[data-menu]")?.removeAttribute("open");
  setTheme(theme);
});
