// Secure Base notifications (issue 15): "Also on this phone" on the Reminders page. Loaded by app.js
// only where that section is. Asks for permission only after a tap, never on page load; subscribes
// with the server's VAPID key and hands the subscription to the API; says what state this phone is in
// and marks it in the list of devices. The list and its Remove buttons work without this file.
"use strict";

(function () {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  const SUBSCRIBE_TIMEOUT_MS = 20000;

  function withTimeout(promise, ms) {
    let timer;
    const late = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  }

  const supported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  const standalone = () =>
    window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true;
  // iPadOS reports itself as a Mac; a Mac with a touch screen is an iPad.
  const onIos = () =>
    /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);

  function base64urlToBytes(text) {
    const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function registration() {
    const found = await navigator.serviceWorker.getRegistration("/");
    return found || navigator.serviceWorker.register("/sw.js", { scope: "/" });
  }

  async function currentSubscription() {
    const reg = await registration();
    return reg.pushManager.getSubscription();
  }

  async function api(section, method, body) {
    const response = await fetch(section.dataset.pushSubscriptions, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
    if (!response.ok && response.status !== 204) {
      let message = "Something went wrong. Please try again.";
      try {
        message = (await response.json()).error || message;
      } catch (error) {
        // not JSON: keep the general message
      }
      const failure = new Error(message);
      failure.fromServer = true; // the server's own words, meant for the person
      throw failure;
    }
  }

  // What to say when turning on or off fails: the server's words, or a plain sentence for the browser's.
  function failed(error, doing) {
    if (error && error.fromServer) return error.message;
    if (!navigator.onLine) return `No connection: notifications couldn't be turned ${doing}. Please try again when you're online.`;
    return `This browser couldn't reach its notification service, so notifications couldn't be turned ${doing}. Please try again later.`;
  }

  // The page's list is the server's: refresh it after a change (htmx swaps #reminders in place).
  function refreshList() {
    if (window.htmx) {
      window.htmx.ajax("GET", window.location.pathname, { target: "#reminders", swap: "outerHTML" });
    } else {
      window.location.reload();
    }
  }

  function show(section, text, { on = false, off = false } = {}) {
    section.querySelector("[data-push-state]").textContent = text;
    section.querySelector("[data-push-on]").hidden = !on;
    section.querySelector("[data-push-off]").hidden = !off;
  }

  function listed(section, endpoint) {
    let found = false;
    section.querySelectorAll("li[data-endpoint]").forEach((item) => {
      const here = item.dataset.endpoint === endpoint;
      item.querySelector("[data-push-here]").hidden = !here;
      found = found || here;
    });
    return found;
  }

  async function render(section) {
    if (!supported()) {
      if (onIos() && !standalone()) {
        return show(section, "Add Secure Base to your Home Screen first, then open it from there to turn this on.");
      }
      return show(section, "This browser can't show notifications from Secure Base.");
    }
    if (Notification.permission === "denied") {
      return show(section, "Notifications are blocked for Secure Base in this browser's settings.");
    }
    let subscription = null;
    try {
      subscription = await currentSubscription();
    } catch (error) {
      return show(section, "This browser can't show notifications from Secure Base just now.");
    }
    if (subscription && listed(section, subscription.endpoint)) {
      return show(section, "Notifications are on for this phone.", { off: true });
    }
    return show(section, "Notifications are off for this phone.", { on: true });
  }

  async function turnOn(section) {
    show(section, "Asking this browser…");
    // Only here, after a tap: browsers (and iPhones) ask the person only in answer to one.
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      return show(section, "Notifications stay off: this browser wasn't allowed to show them.", {
        on: permission === "default",
      });
    }
    try {
      const reg = await registration();
      const key = await (await fetch(section.dataset.pushKey, { credentials: "same-origin" })).json();
      show(section, "Turning notifications on…");
      let subscription = await reg.pushManager.getSubscription();
      if (!subscription) {
        // The browser asks its push service for an address; without an answer it may wait for ever.
        subscription = await withTimeout(
          reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64urlToBytes(key.public_key) }),
          SUBSCRIBE_TIMEOUT_MS,
        );
      }
      await api(section, "POST", subscription.toJSON());
      show(section, "Notifications are on for this phone.", { off: true });
      refreshList();
    } catch (error) {
      show(section, failed(error, "on"), { on: true });
    }
  }

  async function turnOff(section) {
    try {
      const subscription = await currentSubscription();
      if (subscription) {
        await api(section, "DELETE", { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show(section, "Notifications are off for this phone.", { on: true });
      refreshList();
    } catch (error) {
      show(section, failed(error, "off"), { off: true });
    }
  }

  // Removing this phone from the list also ends its subscription in the browser.
  async function removing(form) {
    const item = form.closest("li[data-endpoint]");
    if (!item || !supported()) return;
    const subscription = await currentSubscription().catch(() => null);
    if (subscription && subscription.endpoint === item.dataset.endpoint) await subscription.unsubscribe();
  }

  function setUp() {
    const section = document.querySelector("[data-push-script]");
    if (!section || section.dataset.pushReady) return;
    section.dataset.pushReady = "1";
    render(section);
  }

  document.addEventListener("click", (event) => {
    const section = event.target.closest?.("[data-push-script]");
    if (!section) return;
    if (event.target.closest("[data-push-on]")) turnOn(section);
    else if (event.target.closest("[data-push-off]")) turnOff(section);
  });
  document.addEventListener("submit", (event) => {
    if (event.target.closest?.("li[data-endpoint]")) removing(event.target);
  });
  document.addEventListener("htmx:afterSettle", setUp);
  setUp();
})();
