// Secure Base offline logging: a tap made without a connection is kept on this phone and sent later.
//
// A tap on a form with `data-offline-kind` that cannot reach the server (navigator.onLine is false,
// or the request fails on the network) is stored in IndexedDB with a client UUID and the moment of
// the tap, then replayed to POST /api/v1/logs on `online`, on the next page load, when the app comes
// back to the foreground, and through Background Sync in the service worker (which imports this file
// for the queue half). The API is idempotent by id, so a replay that is cut off and repeated stores
// each tap once. Replies decide what happens to a queued tap:
//   200/201 stored → removed; 409 the id exists already (this phone's own earlier request got
//   through) → removed; 400/422 turned down → kept as "rejected" and shown until dismissed;
//   401/403 logged out, 5xx or no network → kept for the next try.
"use strict";

(function (scope) {
  const DB_NAME = "secure-base";
  const QUEUE = "queue";
  const META = "meta";
  const SYNC_TAG = "secure-base-sync-logs";
  const SESSION_URL = "/pwa/session";
  const LOGS_URL = "/api/v1/logs";

  // ---------------------------------------------------------------- IndexedDB, in pages and worker

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(QUEUE, { keyPath: "id" });
        request.result.createObjectStore(META);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  // Run one request in its own transaction; resolves once the transaction has committed. Writes ask
  // for strict durability: "Saved on this phone" must still be true after a crash or power loss.
  async function inStore(store, mode, makeRequest) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const options = mode === "readwrite" ? { durability: "strict" } : undefined;
        const tx = db.transaction(store, mode, options);
        const request = makeRequest(tx.objectStore(store));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const putItem = (item) => inStore(QUEUE, "readwrite", (s) => s.put(item));
  const removeItem = (id) => inStore(QUEUE, "readwrite", (s) => s.delete(id));
  const allItems = () => inStore(QUEUE, "readonly", (s) => s.getAll());
  const getMeta = (key) => inStore(META, "readonly", (s) => s.get(key));
  const setMeta = (key, value) => inStore(META, "readwrite", (s) => s.put(value, key));

  // ---------------------------------------------------------------- replay

  let replaying = null;

  // One replay at a time per page or worker; a second caller shares the running one.
  function replay() {
    if (!replaying) replaying = oneAtATime(replayOnce).finally(() => (replaying = null));
    return replaying;
  }

  // The page (on `online`) and the service worker (Background Sync) both replay: a Web Lock lets one
  // finish before the other starts, so one replay sends everything waiting and tells the true count.
  function oneAtATime(task) {
    const locks = self.navigator && self.navigator.locks;
    return locks ? locks.request("secure-base-replay", task) : task();
  }

  async function replayOnce() {
    const result = { sent: 0, rejected: 0, stopped: null };
    const waiting = (await allItems()).filter((item) => item.status === "pending");
    if (!waiting.length) return result;
    let session;
    try {
      session = await fetchSession();
    } catch (error) {
      return { ...result, stopped: "network" };
    }
    // Taps belong to the account that made them; another account's taps wait for their owner.
    if (!session.account) return { ...result, stopped: "logged-out" };
    const mine = waiting.filter((item) => item.account === session.account);
    mine.sort((a, b) => a.tappedAt - b.tappedAt);
    for (const item of mine) {
      const outcome = await send(item, session.csrf_token);
      if (outcome.stored) {
        await removeItem(item.id);
        result.sent += 1;
      } else if (outcome.rejected) {
        await putItem({ ...item, status: "rejected", error: outcome.rejected });
        result.rejected += 1;
      } else {
        return { ...result, stopped: outcome.stop };
      }
    }
    return result;
  }

  // A fresh CSRF token for this session: a page served from the cache has none that is current.
  async function fetchSession() {
    const response = await fetch(SESSION_URL, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`session ${response.status}`);
    return response.json();
  }

  async function send(item, token) {
    let response;
    try {
      response = await fetch(LOGS_URL, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ id: item.id, kind: item.kind, at: item.at }),
      });
    } catch (error) {
      return { stop: "network" };
    }
    // 409: the id is a random UUID made on this phone, so the log holding it is this tap's own.
    if (response.ok || response.status === 409) return { stored: true };
    if (response.status === 401 || response.status === 403) return { stop: "logged-out" };
    if (response.status === 400 || response.status === 422) return { rejected: await errorText(response) };
    return { stop: "server" };
  }

  async function errorText(response) {
    try {
      return (await response.json()).error || "The server turned this down.";
    } catch (error) {
      return "The server turned this down.";
    }
  }

  scope.SecureBaseQueue = { SYNC_TAG, replay, allItems, putItem, removeItem, getMeta, setMeta };

  // In the service worker only the queue above is needed.
  if (typeof document === "undefined") return;

  // ---------------------------------------------------------------- taps in the page

  // Each htmx request from a kind form carries the tap it would queue, keyed by its request config.
  const taps = new WeakMap();
  // The last tile tapped, and how long a repeat counts as the same tap (the server's rule is 3 s from
  // the first tap, tracker/logbook.py TAP_REPEAT; a little less here, as the request takes time). A
  // touch anywhere else in between (undo, details, another tile) makes the next tap a new one.
  let lastTap = null;
  const TAP_REPEAT_MS = 2500;
  document.addEventListener(
    "click",
    (event) => {
      if (!event.target.closest?.("form[data-offline-kind] button")) lastTap = null;
    },
    true,
  );
  let retryTimer = null;

  const onOfflineShell = () => document.querySelector("[data-offline-shell]") !== null;
  const pageAccount = () => document.getElementById("main")?.dataset.account || null;

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    // Pages served over plain http (not localhost) have no randomUUID: build a version 4 UUID.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // The phone's local time with its UTC offset (2026-05-13T08:30:05+02:00): the real moment of the tap.
  function localIso(date) {
    const pad = (n) => String(n).padStart(2, "0");
    const offset = -date.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
    const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    return `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`;
  }

  function newTap(form) {
    const label = form.dataset.offlineLabel || form.querySelector(".kind-label")?.textContent.trim();
    const now = new Date();
    return {
      id: newId(),
      kind: form.dataset.offlineKind,
      label: label || form.dataset.offlineKind,
      at: localIso(now),
      tappedAt: now.getTime(),
    };
  }

  // The account a tap belongs to: the page's, or on the cached offline page the last one seen online.
  async function tapAccount() {
    return onOfflineShell() ? getMeta("account") : pageAccount();
  }

  async function queueTap(tap) {
    let account;
    try {
      account = await tapAccount();
      if (!account) {
        tell("Log in when you're back online, then log this again.");
        return;
      }
      await putItem({ ...tap, account, status: "pending" });
    } catch (error) {
      tell("This phone couldn't keep that tap. Please log it again when you're online.");
      return;
    }
    tell("Saved on this phone — will sync:", tap.label);
    await renderStatus();
    askForBackgroundSync();
    if (navigator.onLine) sync();
  }

  // Say what happened to a tap where htmx would have put the server's answer.
  function tell(message, label) {
    const box = document.getElementById("confirmation");
    if (!box) return;
    const wrap = element("div", "logged offline-saved");
    const line = element("p", "logged-line");
    line.tabIndex = -1;
    line.append(element("strong", null, message));
    if (label) line.append(" ", label);
    wrap.append(line);
    box.replaceChildren(wrap);
    line.focus();
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // ---------------------------------------------------------------- syncing and showing the queue

  async function sync() {
    clearTimeout(retryTimer);
    let result;
    try {
      result = await replay();
    } catch (error) {
      return; // IndexedDB unavailable: nothing was queued here either
    }
    await showResult(result);
    // Online but the server was unreachable: try again in a while rather than waiting for an event.
    if ((result.stopped === "network" || result.stopped === "server") && navigator.onLine) {
      retryTimer = setTimeout(sync, 30000);
    }
  }

  async function showResult(result) {
    if (!result.sent) return renderStatus();
    const waiting = await renderStatus(`Synced ${result.sent} ${result.sent === 1 ? "tap" : "taps"} saved on this phone.`);
    // "Saved on this phone — will sync" is no longer true once nothing waits.
    if (!waiting) document.querySelectorAll("#confirmation .offline-saved").forEach((node) => node.remove());
    if (window.htmx) window.htmx.trigger(document.body, "log-changed");
  }

  // Show this account's waiting and turned-down taps; returns how many still wait.
  async function renderStatus(note) {
    const box = document.getElementById("sync-status");
    if (!box) return 0;
    const account = await tapAccount();
    const items = (await allItems()).filter((item) => account && item.account === account);
    items.sort((a, b) => a.tappedAt - b.tappedAt);
    const pending = items.filter((item) => item.status === "pending");
    const rejected = items.filter((item) => item.status === "rejected");
    const parts = [];
    // Without a new note, the last one stays: a replay that found nothing left (the other side of
    // the lock sent it) must not hide what was just synced.
    const kept = note ? null : box.querySelector(".sync-note");
    if (note) parts.push(element("p", "sync-note", note));
    else if (kept) parts.push(kept);
    if (pending.length) parts.push(itemList("sync-pending", "Saved on this phone — will sync:", pending));
    if (rejected.length) parts.push(itemList("sync-rejected", "Not saved — the server turned these down:", rejected));
    box.replaceChildren(...parts);
    return pending.length;
  }

  function itemList(className, heading, items) {
    const section = element("div", `sync-list ${className}`);
    const list = element("ul");
    for (const item of items) {
      const row = element("li", null, `${item.label} · ${shortTime(item.at)}`);
      if (item.status === "rejected") {
        row.append(`: ${item.error} `);
        const dismiss = element("button", "link", "Dismiss");
        dismiss.type = "button";
        dismiss.setAttribute("aria-label", `Dismiss ${item.label} at ${shortTime(item.at)}`);
        dismiss.addEventListener("click", () => removeItem(item.id).then(() => renderStatus()));
        row.append(dismiss);
      }
      list.append(row);
    }
    section.append(element("p", null, heading), list);
    return section;
  }

  function shortTime(iso) {
    const date = new Date(iso);
    const today = date.toDateString() === new Date().toDateString();
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }; // like the server's 18:30
    if (!today) Object.assign(options, { weekday: "short", day: "numeric", month: "short" });
    return date.toLocaleString([], options);
  }

  // ---------------------------------------------------------------- the service worker

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // The app works without it; only offline pages and Background Sync are missing then.
    });
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "synced") showResult(event.data.result);
    });
  }

  async function askForBackgroundSync() {
    try {
      const registration = await navigator.serviceWorker?.getRegistration();
      if (registration && registration.sync) await registration.sync.register(SYNC_TAG);
    } catch (error) {
      // No Background Sync here: `online`, page loads and app resumes still replay the queue.
    }
  }

  // Keep the last account seen online, for taps on the offline page; when it goes away (logout),
  // ask the worker to forget any page it may hold.
  async function rememberAccount() {
    if (onOfflineShell()) return;
    const current = pageAccount();
    const previous = await getMeta("account");
    if (previous === current) return;
    await setMeta("account", current);
    if (previous) navigator.serviceWorker?.controller?.postMessage({ type: "logged-out" });
  }

  async function pageShown() {
    try {
      await rememberAccount();
      await renderStatus();
    } catch (error) {
      return; // no IndexedDB (some private modes): online logging still works
    }
    if (navigator.onLine) sync();
  }

  // ---------------------------------------------------------------- htmx hooks

  document.addEventListener("htmx:configRequest", (event) => {
    const form = event.detail.elt.closest?.("form[data-offline-kind]");
    if (!form || event.detail.verb !== "post") return;
    // A tile tapped again within TAP_REPEAT_MS is the same tap (a double tap): it keeps the first tap's
    // id, so the server answers with the log it stored and the queue keeps one item, not two.
    const repeat = lastTap && lastTap.form === form && Date.now() - lastTap.tap.tappedAt < TAP_REPEAT_MS;
    const tap = repeat ? lastTap.tap : newTap(form);
    lastTap = { form, tap };
    // The online request carries the tap's id too: if its answer is lost and the tap is queued,
    // the replay finds the stored log instead of making a second one.
    event.detail.parameters.id = tap.id;
    taps.set(event.detail, tap);
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const tap = taps.get(event.detail.requestConfig);
    // The offline page has no valid form token: its taps always go through the queue.
    if (tap && (!navigator.onLine || onOfflineShell())) {
      event.preventDefault();
      queueTap(tap);
    }
  });

  function requestFailed(event) {
    const config = event.detail.requestConfig;
    const tap = taps.get(config);
    if (tap) {
      queueTap(tap);
    } else if (config.boosted && config.verb === "get" && navigator.serviceWorker?.controller) {
      // A link followed offline: load it for real, so the worker can answer with the offline page.
      window.location.assign(config.path);
    }
  }
  document.addEventListener("htmx:sendError", requestFailed);
  document.addEventListener("htmx:timeout", requestFailed);

  // After a boosted navigation the page's account and status box are new.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.boosted) pageShown();
  });

  window.addEventListener("online", sync);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && navigator.onLine) sync();
  });

  // Once the page has loaded: the worker's install (it fetches the app shell to cache) and the queue's
  // IndexedDB reads then leave a slow phone's CPU and network to the page while it first renders.
  function afterLoad() {
    registerWorker();
    pageShown();
  }
  if (document.readyState === "complete") afterLoad();
  else window.addEventListener("load", afterLoad, { once: true });
})(self);
