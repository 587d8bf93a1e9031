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
