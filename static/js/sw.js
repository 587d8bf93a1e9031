// Secure Base service worker. Served by the app at /sw.js (scope /), which puts ahead of this source
// a line `const SHELL = {version, assets, offline, staticPrefix}` for this deploy, then the offline
// queue (static/js/offline.js, shared with the pages), whose SecureBaseQueue Background Sync uses.
//
// Rules: pages come from the network, with the offline page as the fallback; static files come from
// the cache first; htmx requests, the API and anything else always go to the network and are never
// cached. No page of an account is ever cached, so nothing can be shown to another account later.
/* global SHELL, SecureBaseQueue */
"use strict";

const CACHE_PREFIX = "secure-base-";
const CACHE = CACHE_PREFIX + SHELL.version;

self.addEventListener("install", (event) => {
  // A new version takes over at once: pages are never cached, so there is no old page to keep consistent.
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(activate());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // htmx partials and boosted pages belong to one account and one moment: never cache them.
  if (request.headers.has("HX-Request")) return;
  if (request.mode === "navigate") {
    event.respondWith(pageOrOfflineFallback(event));
  } else if (url.pathname.startsWith(SHELL.staticPrefix)) {
    event.respondWith(cacheFirst(request));
  }
  // Everything else (the API, the manifest, this worker) goes to the network untouched.
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "logged-out") event.waitUntil(forgetPages());
});

self.addEventListener("sync", (event) => {
  if (event.tag === SecureBaseQueue.SYNC_TAG) event.waitUntil(replayAndTell());
});

async function precache() {
  const cache = await caches.open(CACHE);
  // The assets have content-hashed names, so a copy in the HTTP cache (the page that registered this
  // worker just loaded them) is the right one: no second download. The offline page skips the HTTP
  // cache and goes without cookies, so it is the same anonymous page for every account.
  const requests = SHELL.assets.map((url) => new Request(url));
  requests.push(new Request(SHELL.offline, { cache: "reload", credentials: "omit" }));
  await cache.addAll(requests);
}

async function activate() {
  const names = await caches.keys();
  const old = names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE);
  await Promise.all(old.map((name) => caches.delete(name)));
  // Start the page request while the worker boots, so network-first costs no extra time.
  if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
  await self.clients.claim();
}

async function pageOrOfflineFallback(event) {
  try {
    const preloaded = await event.preloadResponse;
    return preloaded || (await fetch(event.request));
  } catch (error) {
    const offline = await caches.match(SHELL.offline, { ignoreVary: true });
    return offline || Response.error();
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  // Keep only content-hashed files (the server marks them immutable): a plain or outdated name is
  // answered with whatever is current, which must not stay in the cache under that name.
  if (response.ok && /\bimmutable\b/.test(response.headers.get("Cache-Control") || "")) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

// Called when a page sees that its account logged out: drop anything but static files and the
// anonymous offline page, in case a future change ever caches a page.
async function forgetPages() {
  for (const name of await caches.keys()) {
    if (!name.startsWith(CACHE_PREFIX)) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (path !== SHELL.offline && !path.startsWith(SHELL.staticPrefix)) await cache.delete(request);
    }
  }
}

// Background Sync: replay the queue even when no page is open, then let open pages update.
async function replayAndTell() {
  const result = await SecureBaseQueue.replay();
  const windows = await self.clients.matchAll({ type: "window" });
  windows.forEach((client) => client.postMessage({ type: "synced", result }));
  // Throwing asks the browser to try this sync again later; only worth it when the network failed.
  if (result.stopped === "network") throw new Error("Offline taps are still waiting for the network.");
}

// ---------------------------------------------------------------- notifications (issue 15)
//
// A push is a reminder from the server (tracker/push.py): always shown (browsers require it), with
// "I did it" and "Later" where the platform has buttons. "I did it" POSTs its single-use link from here,
// without opening a window; offline, or when the server can't take it, the link's own page opens
// instead, and so does a tap on a platform without buttons. A tap on the body opens Today. The app
// badge marks a waiting reminder and is cleared once it is done (the pages clear it after any log).

const NUDGE_TAG = "secure-base-nudge";
const ICON = "/static/icons/icon-192.png";

// Only our own pages: a message can't point the worker anywhere else.
function ownUrl(value, fallback) {
  try {
    const url = new URL(value, self.location.origin);
    return url.origin === self.location.origin ? url.href : fallback;
  } catch (error) {
    return fallback;
  }
}

function hasButtons() {
  return typeof Notification !== "undefined" && Notification.maxActions > 0;
}

self.addEventListener("push", (event) => {
  event.waitUntil(showNudge(event.data));
});

async function showNudge(data) {
  let message = {};
  try {
    message = data ? data.json() : {};
  } catch (error) {
    message = {};
  }
  const today = ownUrl(message.url, "/");
  const actions = Array.isArray(message.actions) ? message.actions : [];
  await self.registration.showNotification(String(message.title || "Secure Base"), {
    body: String(message.body || ""),
    tag: String(message.tag || NUDGE_TAG),
    renotify: true,
    icon: ICON,
    badge: ICON,
    actions: actions
      .filter((item) => item && (item.action === "done" || item.action === "snooze"))
      .map((item) => ({ action: item.action, title: String(item.title || "") })),
    data: {
      url: today,
      done_url: ownUrl(message.done_url, null),
      snooze_url: ownUrl(message.snooze_url, null),
    },
  });
  await setBadge(true);
}

async function setBadge(on) {
  try {
    if (on && self.navigator.setAppBadge) await self.navigator.setAppBadge(1);
    if (!on && self.navigator.clearAppBadge) await self.navigator.clearAppBadge();
  } catch (error) {
    // Badges are a hint; without them nothing else changes.
  }
}

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(answerClick(event.notification, event.action));
});

async function answerClick(notification, action) {
  const data = notification.data || {};
  notification.close();
  if (action === "done" && data.done_url) return pressed(data.done_url, true);
  if (action === "snooze" && data.snooze_url) return pressed(data.snooze_url, false);
  // No buttons on this platform: a tap opens the page with "I did it" on it.
  if (!action && !hasButtons() && data.done_url) return openPage(data.done_url);
  return openPage(data.url || "/");
}

// A button's link, POSTed with no cookies: its token is the whole credential. A 410 means it was
// pressed before (email or notification): nothing changed, nothing to show.
async function pressed(url, done) {
  try {
    const response = await fetch(url, { method: "POST", credentials: "omit", redirect: "error" });
    if (response.ok || response.status === 410) {
      if (done) await setBadge(false);
      await tellPages({ type: "nudge-answered", done });
      return;
    }
  } catch (error) {
    // Offline: the page opens below, and the offline page can keep a tap until the network returns.
  }
  await openPage(url);
}

async function tellPages(message) {
  const windows = await self.clients.matchAll({ type: "window" });
  windows.forEach((client) => client.postMessage(message));
}

// An open window of the app goes to the page; with none, a new one opens.
async function openPage(url) {
  for (const client of await self.clients.matchAll({ type: "window" })) {
    try {
      const shown = (await client.navigate(url)) || client;
      await shown.focus().catch(() => {}); // focusing may need the tap's activation; the page is there anyway
      return shown;
    } catch (error) {
      // This window can't be navigated from here: try the next, then a new one.
    }
  }
  return self.clients.openWindow(url);
}

// The browser renewed or dropped the subscription: hand the new one to the server, which forgets the
// old, so reminders keep arriving without a visit to the Reminders page.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(resubscribe(event.oldSubscription, event.newSubscription));
});

async function resubscribe(old, fresh) {
  const session = await (await fetch("/pwa/session", { credentials: "same-origin" })).json();
  if (!session.csrf_token) return; // signed out here: the next visit to Reminders turns it on again
  const headers = { "Content-Type": "application/json", "X-CSRFToken": session.csrf_token };
  let subscription = fresh;
  if (!subscription) {
    const key = await (await fetch("/api/v1/push/key", { credentials: "same-origin" })).json();
    const raw = key.public_key.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(raw + "===".slice((raw.length + 3) % 4)), (c) => c.charCodeAt(0));
    subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes });
  }
  await fetch("/api/v1/push/subscriptions", {
    method: "POST",
    credentials: "same-origin",
    headers,
    body: JSON.stringify(subscription.toJSON()),
  });
  if (old && old.endpoint !== subscription.endpoint) {
    await fetch("/api/v1/push/subscriptions", {
      method: "DELETE",
      credentials: "same-origin",
      headers,
      body: JSON.stringify({ endpoint: old.endpoint }),
    });
  }
}
