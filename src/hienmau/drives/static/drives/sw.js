// Service worker of a drive's check-in page (one registration per drive, scope /drives/<pk>/checkin/).
// It keeps the page, its registrant list (snapshot.json), the counter and the static files in a cache so
// that the page opens and its search works with no network. Page, list and counter are fetched from
// the network first and fall back to the cache; static files come from the cache and are refreshed in
// the background. Outcomes (POST) are never touched here: the page's outbox sends them.
"use strict";

const CACHE = "hienmau-checkin-v1";
const NETWORK_TIMEOUT_MS = 6000;
const STATIC_PREFIX = new URL(self.location.href).searchParams.get("static") || "/static/";
const scopePath = () => new URL(self.registration.scope).pathname;

function cacheable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

async function store(request, response) {
  if (!cacheable(response)) return;
  const cache = await caches.open(CACHE);
  await cache.put(request, response);
}

async function refresh(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    await store(url, response);
  } catch (e) {
    /* offline now: keep what the cache has */
  }
}

self.addEventListener("install", (event) => {
  const scope = self.registration.scope;
  event.waitUntil(Promise.all([refresh(scope), refresh(scope + "snapshot.json")]).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

// The page lists what it needs (itself, the list, the counter, its CSS and scripts) once it is loaded.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  const urls = data.urls.map((u) => new URL(u, self.location.origin)).filter((u) => u.origin === self.location.origin);
  event.waitUntil(Promise.all(urls.map((u) => refresh(u.href))));
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (cacheable(response)) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request);
  const network = fetch(event.request).then((response) => {
    if (cacheable(response)) return cache.put(event.request, response.clone()).then(() => response);
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => undefined));
    return cached;
  }
  return network;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const scope = scopePath();
  if (url.pathname.startsWith(scope)) {
    // htmx search results are fragments of the page's URL: never store them in the page's place.
    if (request.headers.get("HX-Request") && url.pathname === scope) return;
    const key = url.pathname === scope ? new URL(scope, url.origin).href : url.origin + url.pathname;
    event.respondWith(networkFirst(request, key));
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) event.respondWith(staleWhileRevalidate(event));
});
