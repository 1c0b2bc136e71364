/* Shows the live board's notifications where a page cannot itself (Android's Chrome), and
 * brings the board back when one is tapped. Registered by live-fans.js once the fan allowed
 * notifications; it caches nothing and handles no requests. */
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (clients) {
      for (var i = 0; i < clients.length; i++) {
        if (clients[i].url.indexOf("/live/") >= 0 && "focus" in clients[i]) return clients[i].focus();
      }
      return undefined;
    })
  );
});
