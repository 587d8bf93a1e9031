// Secure Base: small enhancements on top of pages that already work without JavaScript.
"use strict";

(function () {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  // Every htmx request that changes something carries the CSRF token as a header.
  document.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // Quick exit (DOMAIN.md, "Care"): leave for a neutral site and take this page out of the history.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    window.location.replace(link.href);
  });

  // A boosted page swaps only the body, so the head's token would stay the one from before: after
  // signing in or out (the CSRF secret rotates) every later request would be refused. Take the new
  // page's token along.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const text = event.detail.serverResponse;
    if (typeof text !== "string" || !text.includes('name="csrf-token"')) return;
    const fresh = new DOMParser().parseFromString(text, "text/html").querySelector('meta[name="csrf-token"]');
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (fresh && meta) meta.content = fresh.content;
  });

  // Fill the time zone fields from the browser (registration, settings "use this device's zone").
  // Intl is asked only where there is a field: its first use loads the zone data, a long task on a
  // slow phone that pages without a field (most of them) should not pay for.
  function fillTimeZones(root) {
    const inputs = root.querySelectorAll("input[data-browser-timezone]");
    const hints = root.querySelectorAll("[data-browser-timezone-hint]");
    if (!inputs.length && !hints.length) return;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    inputs.forEach((input) => {
      if (!input.value || input.value === "UTC") input.value = zone;
    });
    hints.forEach((el) => {
      el.textContent = zone;
    });
  }

  // A request that failed (server error or no network) gets a visible, polite message.
  function say(message) {
    const box = document.getElementById("flashes");
    if (!box) return;
    const p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = message;
    box.replaceChildren(p);
  }

  // The server's own words for the error (its error page names them), so a 429's "take a breath" or a
  // 413's "more than we can take" reaches the person instead of a generic line.
  function serverMessage(xhr) {
    if (!(xhr.getResponseHeader("Content-Type") || "").startsWith("text/html")) return null;
    const page = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const node = page.querySelector("[data-error-message]");
    return node ? node.textContent.trim() : null;
  }

  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status === 400) return say("This page expired. Reload it and try again.");
    say(serverMessage(xhr) || "Something went wrong. Please try again.");
  });
  document.addEventListener("htmx:sendError", (event) => {
    // A tap on an action kind is kept on the phone by offline.js, which says so itself.
    if (event.detail.elt.closest("[data-offline-kind]")) return;
    say("No connection. Please try again when you're online.");
  });

  // A double tap on a tile (issue 13): the first tap's answer appears above the tiles and moves them,
  // so a second touch a moment later would land on whichever tile is now under the finger. Touches on
  // tiles in the moments after such an answer are the first tap's echo and are let go.
  // "I missed a bid" sits among the tiles and moves with them, so it is guarded as one.
  const TILE_SETTLE_MS = 400;
  const TILE_FORMS = "form[data-offline-kind], form.missed-bid";
  const TILE_BUTTONS = "form[data-offline-kind] button, form.missed-bid button";
  let tilesSettleUntil = 0;
  document.addEventListener("htmx:afterSwap", (event) => {
    const source = event.detail.requestConfig?.elt;
    if (source?.closest?.(TILE_FORMS)) tilesSettleUntil = performance.now() + TILE_SETTLE_MS;
  });
  document.addEventListener(
    "click",
    (event) => {
      if (performance.now() >= tilesSettleUntil) return;
      if (!event.target.closest?.(TILE_BUTTONS)) {
        tilesSettleUntil = 0; // a touch elsewhere (undo, details) in between: the next tile tap is meant
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    },
    true,
  );

  // Move focus to what was just swapped in, so screen readers and keyboards follow along.
  // A history restore (Back after an htmx-pushed month) fires it with no target: the body was swapped.
  document.addEventListener("htmx:afterSwap", (event) => {
    const root = event.detail.target || event.target;
    if (!root || !root.querySelector) return;
    const focusable = root.querySelector("[data-autofocus]");
    if (focusable) focusable.focus();
    fillTimeZones(root);
  });

  // Notifications (issue 15): the Reminders page's "Also on this phone" brings its own script, loaded
  // only there (it may arrive by a boosted swap, where a page's own <script> would not run).
  function loadPush() {
    const section = document.querySelector("[data-push-script]");
    if (!section || document.querySelector("script[data-push-loaded]")) return;
    const script = document.createElement("script");
    script.src = section.dataset.pushScript;
    script.dataset.pushLoaded = "1";
    document.head.append(script);
  }
  document.addEventListener("htmx:afterSettle", loadPush);

  // A log clears the app badge a reminder's notification set, and the notification itself.
  document.addEventListener("log-changed", async () => {
    try {
      if (navigator.clearAppBadge) await navigator.clearAppBadge();
      const registration = await navigator.serviceWorker?.getRegistration();
      const shown = registration ? await registration.getNotifications({ tag: "secure-base-nudge" }) : [];
      shown.forEach((notification) => notification.close());
    } catch (error) {
      // No badge or notifications here: nothing to clear.
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    fillTimeZones(document);
    loadPush();
  });

  // The idle lock (tracker/views/lock.py) is the server's: every request after the quiet time asks
  // for the password again. A page left open stays on the screen, though, for whoever picks the phone
  // up next. So when a page comes back into view (or sits open) longer than the lock's time since its
  // last request, it goes to the unlock page, which brings the person back here. Not while something
  // typed is on it: sending that is kept by the server until the password is given, and never lost.
  let lastContact = Date.now();
  document.addEventListener("htmx:afterRequest", () => {
    lastContact = Date.now();
  });
  function changed(el) {
    if (el.type === "hidden" || el.type === "submit" || el.type === "button") return false;
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") return Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
    return el.value !== el.defaultValue;
  }
  function lockIfQuiet() {
    const main = document.getElementById("main");
    const seconds = Number(main?.dataset.idleLock || 0);
    if (!seconds || Date.now() - lastContact <= seconds * 1000) return;
    if (Array.from(main.querySelectorAll("input, textarea, select")).some(changed)) return;
    window.location.replace(`/unlock?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") lockIfQuiet();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) lockIfQuiet(); // restored from the back/forward cache as it was
  });
  setInterval(lockIfQuiet, 30000);
})();
