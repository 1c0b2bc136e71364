// The marshal's control page. Stamps are written to the phone's storage first and sent later,
// each with its own idempotency key, so no network, a lost answer or a retried sync can neither
// lose a stamp nor record it twice. The phone's clock is corrected by the offset measured
// against the server at load and at every sync.
(function () {
  "use strict";

  var app = document.getElementById("control-app");
  if (!app) return;
  var syncUrl = app.dataset.syncUrl;
  var storageKey = app.dataset.storageKey;
  var offsetKey = storageKey + "-offset";
  var BATCH = 200;
  var RETRY_MS = 5000;

  var statusLine = document.getElementById("status");
  var list = document.getElementById("stamp-list");
  var unsyncedLine = document.getElementById("unsynced-count");
  var offsetLine = document.getElementById("offset");
  var numberInput = document.getElementById("car-number");
  var typedInput = document.getElementById("typed-time");

  var syncing = false;
  var revoked = false;
  var retryTimer = null;

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return [];
    }
  }

  function save(stamps) {
    window.localStorage.setItem(storageKey, JSON.stringify(stamps));
  }

  function offset() {
    var value = Number(window.localStorage.getItem(offsetKey));
    return isFinite(value) ? value : 0;
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // randomUUID needs a secure context; getRandomValues does not (a LAN address over http).
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function pad(value, size) {
    var text = String(value);
    while (text.length < size) text = "0" + text;
    return text;
  }

  function clockText(ms) {
    var moment = new Date(ms);
    return pad(moment.getHours(), 2) + ":" + pad(moment.getMinutes(), 2) + ":" +
      pad(moment.getSeconds(), 2) + "." + Math.floor(moment.getMilliseconds() / 100);
  }

  function say(text) {
    statusLine.textContent = text;
  }

  function render() {
    var stamps = load();
    var waiting = stamps.filter(function (s) { return !s.synced && !s.error; }).length;
    unsyncedLine.dataset.unsynced = String(waiting);
    unsyncedLine.textContent = waiting
      ? app.dataset.msgUnsynced + ": " + waiting
      : app.dataset.msgSynced;
    var correction = offset();
    offsetLine.textContent = app.dataset.msgOffset + ": " + (correction >= 0 ? "+" : "") +
      (correction / 1000).toFixed(1) + " s";
    list.textContent = "";
    stamps.slice(-100).reverse().forEach(function (stamp) {
      var item = document.createElement("li");
      item.dataset.key = stamp.key;
      item.className = stamp.synced ? "stamp-synced" : stamp.error ? "stamp-refused" : "stamp-waiting";
      var mark = stamp.synced ? "✓" : stamp.error ? "✗" : "…";
      var when = stamp.clock || clockText(stamp.at_ms);
      item.textContent = mark + " #" + stamp.number + " " + when +
        (stamp.error ? " — " + app.dataset.msgRefused + ": " + stamp.error : "");
      list.appendChild(item);
    });
  }

  function record(extra) {
    var number = numberInput.value.trim();
    if (!/^[0-9]{1,5}$/.test(number)) {
      say(app.dataset.msgNumber);
      numberInput.focus();
      return false;
    }
    var stamp = { key: newKey(), number: Number(number), offset_ms: Math.round(offset()), synced: false };
    Object.keys(extra).forEach(function (name) { stamp[name] = extra[name]; });
    var stamps = load();
    stamps.push(stamp);
    save(stamps);
    numberInput.value = "";
    numberInput.focus();
    render();
    sync();
    return true;
  }

  function scheduleRetry() {
    if (retryTimer === null && !revoked) {
      retryTimer = window.setTimeout(function () {
        retryTimer = null;
        sync();
      }, RETRY_MS);
    }
  }

  function sync() {
    if (syncing || revoked) return;
    syncing = true;
    var batch = load().filter(function (s) { return !s.synced && !s.error; }).slice(0, BATCH);
    var body = JSON.stringify({
      stamps: batch.map(function (s) {
        var item = { key: s.key, number: s.number, offset_ms: s.offset_ms };
        if (s.clock) item.clock = s.clock; else item.at_ms = s.at_ms;
        return item;
      })
    });
    var sentAt = Date.now();
    window.fetch(syncUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body,
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      if (response.status === 404) {
        revoked = true;
        throw new Error("revoked");
      }
      if (!response.ok) throw new Error("status " + response.status);
      return response.json();
    }).then(function (answer) {
      var receivedAt = Date.now();
      // The server's clock at the middle of the round trip, minus the phone's.
      window.localStorage.setItem(offsetKey, String(answer.server_ms - (sentAt + receivedAt) / 2));
      var stored = {};
      answer.accepted.concat(answer.duplicates).forEach(function (key) { stored[key] = true; });
      var refused = {};
      answer.rejected.forEach(function (item) { refused[item.key] = item.error; });
      var stamps = load().map(function (s) {
        if (stored[s.key]) s.synced = true;
        if (refused[s.key]) s.error = refused[s.key];
        return s;
      });
      save(stamps);
      syncing = false;
      app.dataset.state = "online";
      say(app.dataset.msgOnline);
      render();
      if (stamps.some(function (s) { return !s.synced && !s.error; })) sync();
    }).catch(function () {
      syncing = false;
      app.dataset.state = revoked ? "revoked" : "offline";
      say(revoked ? app.dataset.msgRevoked : app.dataset.msgOffline);
      render();
      scheduleRetry();
    });
  }

  document.getElementById("stamp-form").addEventListener("submit", function (event) {
    event.preventDefault();
    record({ at_ms: Date.now() + Math.round(offset()) });
  });
  document.getElementById("typed-button").addEventListener("click", function () {
    var clock = typedInput.value.trim();
    if (!/^[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,3})?)?$/.test(clock)) {
      say(app.dataset.msgTime);
      typedInput.focus();
      return;
    }
    if (record({ clock: clock })) typedInput.value = "";
  });
  document.getElementById("sync-button").addEventListener("click", sync);
  window.addEventListener("online", sync);
  window.addEventListener("offline", function () { say(app.dataset.msgOffline); });

  render();
  sync();
})();
