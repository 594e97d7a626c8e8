// Service worker of the citizens' app. The build replaces the two placeholders below with the
// app's files and a version taken from their hashes.
/* global self, caches, Headers, Response */
const PRECACHE = '__PRECACHE_FILES__';
const VERSION = '__CACHE_VERSION__';

const APP_CACHE = `cityleague-app-${VERSION}`;
// Ticket data and the citizen's registration list, kept so that tickets open offline.
const DATA_CACHE = 'cityleague-data';

/**
 * Header set on an API response served from DATA_CACHE because the network failed, so the page
 * can say that it shows a saved copy. Keep it equal to OFFLINE_COPY_HEADER in src/lib/api.ts.
 */
const OFFLINE_COPY_HEADER = 'x-offline-copy';

/** API reads served from the network while online and from the cache when offline. */
const CACHED_API = [/^\/api\/tickets\/[^/]+$/, /^\/api\/citizen\/registrations$/];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(APP_CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith('cityleague-app-') && name !== APP_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

/**
 * Fetches from the network and refreshes the cache, or reads the cache when offline. With
 * `markCopy`, a response from the cache carries OFFLINE_COPY_HEADER.
 */
async function networkFirst(request, cacheName, { fallbackUrl, markCopy = false } = {}) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(fallbackUrl ?? request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(fallbackUrl ?? request);
    if (!cached) throw error;
    if (!markCopy) return cached;
    const headers = new Headers(cached.headers);
    headers.set(OFFLINE_COPY_HEADER, '1');
    return new Response(cached.body, {
      status: cached.status,
      statusText: cached.statusText,
      headers,
    });
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(APP_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    // The console has its own page and is not an offline app.
    if (url.pathname.startsWith('/console') || url.pathname.startsWith('/docs')) return;
    // Every page of the app is the same index.html, so one cached copy serves all routes.
    event.respondWith(networkFirst(request, APP_CACHE, { fallbackUrl: '/' }));
    return;
  }
  if (url.pathname.startsWith('/assets/') || url.pathname.startsWith('/icons/')) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (CACHED_API.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(
      networkFirst(request, DATA_CACHE, { markCopy: true }).catch(
        () =>
          new Response(JSON.stringify({ status: 503, code: 'OFFLINE', title: 'Offline' }), {
            status: 503,
            headers: { 'content-type': 'application/problem+json' },
          }),
      ),
    );
  }
});
