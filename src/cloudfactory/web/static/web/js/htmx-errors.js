// htmx leaves error responses unswapped (see the htmx-config meta in
// web/base.html), so nothing would change on screen. This module says what
// happened instead: the sentence from the error page when there is one
// ([data-error-message]), else a sentence for the status.

import { toast } from "./toast.js";

const STATUS_SENTENCES = {
  400: "That request was not valid. Check what you entered and try again.",
  401: "Your session has ended. Reload the page to sign in again.",
  403: "Your role does not allow this. Ask an admin if you need access.",
  404: "That no longer exists. Reload the page to see what is there now.",
  429: "Too many requests at once. Wait a moment and try again.",
};
const SERVER_SENTENCE =
  "The server ran into a problem and has logged it. Try again in a moment.";
const OFFLINE_SENTENCE =
  "The server could not be reached. Check your connection and try again.";

function sentenceFrom(xhr) {
  const type = xhr.getResponseHeader("Content-Type") || "";
  if (type.startsWith("text/html")) {
    // DOMParser builds an inert document: nothing in it runs or loads.
    const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const text = doc.querySelector("[data-error-message]")?.textContent.trim();
    if (text) return text;
  }
  return STATUS_SENTENCES[xhr.status] || SERVER_SENTENCE;
}

export function showError(sentence) {
  toast(sentence, "error");
}

document.addEventListener("htmx:responseError", (event) => {
  showError(sentenceFrom(event.detail.xhr));
});

document.addEventListener("htmx:sendError", () => showError(OFFLINE_SENTENCE));
