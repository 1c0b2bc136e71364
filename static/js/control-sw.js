// The marshal's control page offline. Served at /control/sw.js so its scope covers every
// /control/<token>/ page. The page and its assets are fetched from the network first (a revoked
// token answers 404 and is dropped from the cache) and answered from the cache only when the
// network is gone. Only GETs are touched: the stamps' sync POST always goes straight to the
// network, is never cached and never replayed here; the page keeps unsent stamps itself.
"use strict";

var CACHE = "paddock-control-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("paddock-control-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function sameOrigin(url) {
  return new URL(url, self.location.href).origin === self.location.origin;
}

function isSync(url) {
  return /\/sync\/$/.test(new URL(url, self.location.href).pathname);
}

function keep(cache, request, response) {
  if (response.ok && response.type === "basic") {
    return cache.put(request, response.clone()).then(function () { return response; });
  }
  if (response.status === 404) {
    return cache.delete(request, { ignoreVary: true }).then(function () { return response; });
  }
  return Promise.resolve(response);
}

function networkFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      return keep(cache, request, response);
    }, function (error) {
      return cache.match(request, { ignoreVary: true }).then(function (cached) {
        if (cached) return cached;
        throw error;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !sameOrigin(request.url) || isSync(request.url)) return;
  event.respondWith(networkFirst(request));
});

// The page names itself and its assets once the worker is ready, so they are cached on the
// first load (before the worker controlled the page, its requests went past it).
self.addEventListener("message", function (event) {
  var urls = event.data && Array.isArray(event.data.cache) ? event.data.cache : [];
  urls = urls.filter(function (url) { return sameOrigin(url) && !isSync(url); });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      var request = new Request(url, { credentials: "same-origin" });
      return fetch(request).then(function (response) {
        return keep(cache, request, response);
      }).catch(function () {});
    }));
  }).then(function () {
    if (event.ports && event.ports[0]) event.ports[0].postMessage("cached");
  }));
});
