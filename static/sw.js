// Redfour's service worker: after the first visit the page works offline. The build
// (scripts/csp-and-offline.mjs) writes the list of the page's files below; everything is
// fetched from the network first and falls back to the copy cached here.
const ASSETS = [/* filled in by the build */];
const CACHE = 'redfour-' + ASSETS.join('|').length + '-' + ASSETS.length;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('redfour-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      // Offline: the cached copy; a page address with a query (?seed=…) is the same page.
      .catch(() => caches.match(request, { ignoreSearch: request.mode === 'navigate' })
        .then((hit) => hit || caches.match('./', { ignoreSearch: true }))),
  );
});
