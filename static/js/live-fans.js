/* Paddock live board, for fans: follow cars (docs/live-fanout.md, "Follow a driver").
 *
 * A fan pins cars by number; the pins stay on this device (localStorage), per event (or per live
 * session when it has no event). Pinned rows are highlighted and, if the fan asks, shown first.
 * For pinned cars the page lists what happens to them (pit stop, personal best, position change,
 * penalty, finish) and, when the fan allowed it, shows a browser notification. Each such event is
 * told once: its key (car, kind and what makes it that event: the lap, the time, the position, the
 * message) is remembered for the session on this device, so a resync (a fresh snapshot after a lost
 * frame) or a reload does not tell it again. A chart draws the pinned cars' gap to the leader lap
 * by lap. Everything is built with the DOM and SVG APIs: no inline script or style (CSP).
 *
 * Strings come from the djangojs catalogue (gettext, interpolate from /jsi18n/).
 */
(function () {
  "use strict";

  var board = window.PaddockBoard;
  var panel = document.getElementById("live-fans");
  if (!board || !panel || !window.gettext) return;
  var root = board.root;
  var sessionId = root.dataset.session;
  var PIN_KEY = "paddock.pins." + root.dataset.pinScope;
  var FIRST_KEY = "paddock.pinsFirst";
  var TOLD_KEY = "paddock.told." + sessionId;
  var TOLD_MAX = 500;
  var NEWS_MAX = 30;
  var SVG = "http://www.w3.org/2000/svg";

  var firstBox = panel.querySelector(".fans-first");
  var notifyButton = panel.querySelector(".fans-notify");
  var notifyState = panel.querySelector(".fans-notify-state");
  var news = panel.querySelector(".fans-news");
  var newsEmpty = panel.querySelector(".fans-news-empty");
  var chart = panel.querySelector(".fans-chart");
  var svg = chart.querySelector("svg");
  var legend = chart.querySelector(".fans-legend");

  function load(key, fallback) {
    try {
      var value = window.localStorage.getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch (err) {
      return fallback; // storage blocked (private mode) or a bad value: start afresh
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (err) {
      // Full or blocked: pins work for this page view only.
    }
  }

  var pins = load(PIN_KEY, []);
  if (!Array.isArray(pins)) pins = [];
  var told = load(TOLD_KEY, []);
  if (!Array.isArray(told)) told = [];
  var toldSet = new Set(told);
  var last = new Map(); // car number -> copy of its row as last seen
  var gaps = new Map(); // car number -> Map(lap -> gap to the leader in ms)
  // The live board keeps what it charted for this tab, so a reload does not start the chart over.
  var GAPS_KEY = "paddock.gaps." + sessionId;
  var gapsTimer = null;
  if (!board.replay) {
    try {
      var kept = JSON.parse(window.sessionStorage.getItem(GAPS_KEY) || "{}");
      Object.keys(kept).forEach(function (number) {
        var series = new Map();
        Object.keys(kept[number]).forEach(function (lap) { series.set(Number(lap), kept[number][lap]); });
        gaps.set(number, series);
      });
    } catch (err) {
      // Nothing kept, or storage blocked.
    }
  }

  window.addEventListener("pagehide", function () {
    if (gapsTimer) {
      clearTimeout(gapsTimer);
      keepGaps();
    }
  });

  function keepGaps() {
    gapsTimer = null;
    var plain = {};
    gaps.forEach(function (series, number) {
      plain[number] = {};
      series.forEach(function (gap, lap) { plain[number][lap] = gap; });
    });
    try {
      window.sessionStorage.setItem(GAPS_KEY, JSON.stringify(plain));
    } catch (err) {
      // Full or blocked: the chart starts over on a reload.
    }
  }
  var chartKey = "";

  function isPinned(number) { return pins.indexOf(number) >= 0; }

  var lapTime = board.lapTime;
  var copyOf = board.copyOf;

  // --- pins -----------------------------------------------------------------------------------

  function decorate(entry) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "pin-toggle";
    button.addEventListener("click", function (event) {
      event.stopPropagation(); // a tap on the pin does not open the row's details
      var number = board.row(entry.key) && board.row(entry.key).number;
      if (number) togglePin(number);
    });
    button.addEventListener("keydown", function (event) { event.stopPropagation(); });
    entry.cells.pin.appendChild(button);
    entry.pinButton = button;
    entry.pinText = null;
    paintPin(entry);
  }

  function paintPin(entry) {
    var data = board.row(entry.key) || {};
    var number = data.number || "";
    var pinned = number !== "" && isPinned(number);
    var text = (pinned ? "★" : "☆") + "|" + number;
    if (entry.pinText === text) return;
    entry.pinText = text;
    entry.tr.classList.toggle("pinned", pinned);
    entry.pinButton.textContent = pinned ? "★" : "☆";
    entry.pinButton.setAttribute("aria-pressed", pinned ? "true" : "false");
    var label = pinned ? gettext("Stop following car %(number)s") : gettext("Follow car %(number)s");
    entry.pinButton.setAttribute("aria-label", interpolate(label, { number: number }, true));
    entry.pinButton.title = entry.pinButton.getAttribute("aria-label");
  }

  var entries = new Map(); // row key -> the board's row entry (a row that comes back is new)
  function paintPins() {
    entries.forEach(paintPin);
  }

  function togglePin(number) {
    var at = pins.indexOf(number);
    if (at >= 0) pins.splice(at, 1);
    else pins.push(number);
    save(PIN_KEY, pins);
    var data = rowByNumber(number);
    if (data) last.set(number, copyOf(data));
    paintPins();
    if (firstBox.checked) board.setOrderTransform(pinnedFirst);
    drawChart(true);
  }

  function pinnedFirst(keys) {
    var pinned = [];
    var rest = [];
    for (var i = 0; i < keys.length; i++) {
      var data = board.row(keys[i]);
      (data && isPinned(data.number) ? pinned : rest).push(keys[i]);
    }
    return pinned.concat(rest);
  }

  function rowByNumber(number) {
    var order = board.order();
    for (var i = 0; i < order.length; i++) {
      var data = board.row(order[i]);
      if (data && data.number === number) return data;
    }
    return null;
  }

  // --- what happens to pinned cars ------------------------------------------------------------

  function events(before, now, top) {
    var found = [];
    var number = now.number;
    if (now.in_pit && !before.in_pit) {
      found.push({
        key: "pit:" + number + ":" + now.laps,
        text: interpolate(gettext("Pit stop on lap %(lap)s"), { lap: now.laps }, true),
      });
    }
    if (now.best_lap_ms && before.best_lap_ms && now.best_lap_ms < before.best_lap_ms) {
      found.push({
        key: "pb:" + number + ":" + now.best_lap_ms,
        text: interpolate(gettext("Personal best %(time)s"), { time: lapTime(now.best_lap_ms) }, true),
      });
    }
    if (now.position !== before.position && before.position) {
      found.push({
        key: "pos:" + number + ":" + now.laps + ":" + now.position,
        text: interpolate(
          gettext("Now P%(position)s (was P%(before)s)"),
          { position: now.position, before: before.position },
          true
        ),
      });
    }
    var finished = now.finished === true
      ? before.finished !== true
      : top.flag === "finish" && now.laps > before.laps;
    if (finished) {
      found.push({
        key: "finish:" + number,
        text: interpolate(gettext("Finished in P%(position)s"), { position: now.position }, true),
      });
    }
    return found;
  }

  // Race-control penalties arrive as board messages (top-level "messages", newest first); only
  // those the page had not seen yet are news (not the ones on the board when it opened).
  var seenMessages = new Set();
  function penalties(top) {
    var found = [];
    var messages = Array.isArray(top.messages) ? top.messages : [];
    for (var i = 0; i < messages.length; i++) {
      var message = messages[i] || {};
      var car = String(message.car || "");
      var fresh = !seenMessages.has(message.id);
      seenMessages.add(message.id);
      if (!fresh || message.kind !== "penalty" || !car || !isPinned(car)) continue;
      found.push({
        number: car,
        key: "penalty:" + car + ":" + message.id,
        text: board.messageText(message),
      });
    }
    return found;
  }

  function tell(number, event) {
    if (toldSet.has(event.key)) return;
    // Another tab of this board may have told it since this one loaded.
    var stored = load(TOLD_KEY, []);
    if (Array.isArray(stored) && stored.length >= told.length) {
      told = stored;
      toldSet = new Set(told);
      if (toldSet.has(event.key)) return;
    }
    toldSet.add(event.key);
    told.push(event.key);
    if (told.length > TOLD_MAX) toldSet.delete(told.shift());
    save(TOLD_KEY, told);
    var data = rowByNumber(number) || {};
    var title = interpolate(gettext("Car %(number)s"), { number: number }, true) +
      (data.name ? " · " + data.name : "");
    var item = document.createElement("li");
    item.dataset.key = event.key;
    var strong = document.createElement("strong");
    strong.textContent = title;
    item.appendChild(strong);
    item.appendChild(document.createTextNode(" " + event.text));
    news.insertBefore(item, news.firstChild);
    while (news.children.length > NEWS_MAX) news.removeChild(news.lastChild);
    newsEmpty.hidden = true;
    notify(title, event);
  }

  // Only for Android's Chrome, which shows no `new Notification`: a worker that shows them.
  var workerAsked = false;
  function registerWorker() {
    if (workerAsked || board.replay || !navigator.serviceWorker || !root.dataset.worker) return;
    workerAsked = true;
    navigator.serviceWorker.register(root.dataset.worker).catch(function () {});
  }

  function notify(title, event) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var options = { body: event.text, tag: event.key, lang: document.documentElement.lang };
    try {
      new Notification(title, options);
    } catch (err) {
      // Android's Chrome only shows notifications through a service worker.
      if (navigator.serviceWorker && navigator.serviceWorker.getRegistration) {
        navigator.serviceWorker.getRegistration(root.dataset.worker).then(function (reg) {
          if (reg) reg.showNotification(title, options);
        });
      }
    }
  }

  function heard(frame) {
    var top = board.top();
    var keys = frame.type === "delta" ? (frame.rows || []).map(function (r) { return r.key; }) : board.order();
    for (var i = 0; i < keys.length; i++) {
      var data = board.row(keys[i]);
      if (!data) continue;
      record(data);
      var number = data.number;
      var before = last.get(number);
      if (isPinned(number) && before && !board.replay) {
        var found = events(before, data, top);
        for (var j = 0; j < found.length; j++) tell(number, found[j]);
      }
      last.set(number, copyOf(data));
    }
    // A snapshot may have moved rows the delta loop did not see; and pins follow numbers.
    if (frame.type !== "delta" || frame.order) paintPins();
    else {
      for (var k = 0; k < keys.length; k++) {
        var entry = entryByKey(keys[k]);
        if (entry) paintPin(entry);
      }
    }
    if (!board.replay && (frame.type !== "delta" || (frame.fields && frame.fields.messages))) {
      var said = penalties(top);
      for (var m = 0; m < said.length; m++) tell(said[m].number, said[m]);
    }
    drawChart(false);
  }

  function entryByKey(key) {
    return entries.get(key) || null;
  }

  // --- gap chart ------------------------------------------------------------------------------

  // Gap to the leader when the car completed each lap: ms on the leader's lap; laps down have no
  // gap in ms and leave no point.
  function record(data) {
    if (!data.number || !data.laps) return;
    var gap = data.position === 1 ? 0 : data.gap_laps === 0 ? data.gap_ms : null;
    if (gap === null || gap === undefined) return;
    var series = gaps.get(data.number);
    if (!series) gaps.set(data.number, (series = new Map()));
    if (!board.replay) {
      // Live, fewer laps than charted is a new board or a lap taken away: those points are gone.
      series.forEach(function (_, lap) { if (lap > data.laps) series.delete(lap); });
    }
    if (series.has(data.laps)) return;
    series.set(data.laps, gap);
    if (!board.replay && !gapsTimer) gapsTimer = setTimeout(keepGaps, 2000);
  }

  function svgEl(name, attrs) {
    var el = document.createElementNS(SVG, name);
    for (var key in attrs) el.setAttribute(key, attrs[key]);
    return el;
  }

  function drawChart(force) {
    // Only the pinned cars, up to the lap each is on now (a replay moves back and forth).
    var lines = [];
    for (var i = 0; i < pins.length; i++) {
      var data = rowByNumber(pins[i]);
      var series = gaps.get(pins[i]);
      if (!data || !series) continue;
      var points = [];
      series.forEach(function (gap, lap) { if (lap <= data.laps) points.push([lap, gap]); });
      points.sort(function (a, b) { return a[0] - b[0]; });
      if (points.length) lines.push({ number: pins[i], points: points });
    }
    var key = lines.map(function (l) { return l.number + ":" + l.points.length + ":" + l.points[l.points.length - 1]; }).join("|");
    if (!force && key === chartKey) return;
    chartKey = key;
    chart.hidden = lines.length === 0;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    while (legend.firstChild) legend.removeChild(legend.firstChild);
    if (!lines.length) return;
    var W = 600, H = 220, L = 48, B = 24, T = 8, R = 8;
    var maxLap = 1, maxGap = 1000;
    lines.forEach(function (line) {
      line.points.forEach(function (p) {
        maxLap = Math.max(maxLap, p[0]);
        maxGap = Math.max(maxGap, p[1]);
      });
    });
    function x(lap) { return L + (W - L - R) * (lap - 1) / Math.max(1, maxLap - 1); }
    function y(gap) { return T + (H - T - B) * gap / maxGap; }
    svg.appendChild(svgEl("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }));
    svg.appendChild(svgEl("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }));
    var ticks = [[0, "0"], [maxGap, "+" + (maxGap / 1000).toFixed(1) + "s"]];
    ticks.forEach(function (tick) {
      var label = svgEl("text", { x: L - 4, y: y(tick[0]) + 4, "text-anchor": "end", class: "tick" });
      label.textContent = tick[1];
      svg.appendChild(label);
    });
    [[1, "1"], [maxLap, String(maxLap)]].forEach(function (tick) {
      var label = svgEl("text", { x: x(tick[0]), y: H - 6, "text-anchor": "middle", class: "tick" });
      label.textContent = tick[1];
      svg.appendChild(label);
    });
    lines.forEach(function (line, index) {
      var series = "series-" + (index % 6);
      var coords = line.points.map(function (p) { return x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1); });
      var shape = coords.length > 1
        ? svgEl("polyline", { points: coords.join(" "), class: "gap-line " + series, "data-number": line.number })
        : svgEl("circle", { cx: coords[0].split(",")[0], cy: coords[0].split(",")[1], r: 3, class: "gap-dot " + series, "data-number": line.number });
      svg.appendChild(shape);
      var item = document.createElement("li");
      item.className = series;
      item.textContent = interpolate(gettext("Car %(number)s"), { number: line.number }, true);
      legend.appendChild(item);
    });
  }

  // --- controls -------------------------------------------------------------------------------

  function paintNotifyState() {
    if (!notifyButton) return; // a replay tells nothing
    if (!("Notification" in window)) {
      notifyButton.hidden = true;
      notifyState.textContent = gettext("This browser cannot show notifications; news of pinned cars is listed here.");
      return;
    }
    var permission = Notification.permission;
    notifyButton.hidden = permission !== "default";
    if (permission === "granted") registerWorker();
    notifyState.textContent = permission === "granted"
      ? gettext("Notifications are on for pinned cars.")
      : permission === "denied"
        ? gettext("Notifications are blocked in this browser; news of pinned cars is listed here.")
        : "";
  }

  if (notifyButton) {
    notifyButton.addEventListener("click", function () {
      var asked = Notification.requestPermission(paintNotifyState);
      if (asked && asked.then) asked.then(paintNotifyState);
    });
  }

  firstBox.checked = load(FIRST_KEY, false) === true;
  firstBox.addEventListener("change", function () {
    save(FIRST_KEY, firstBox.checked);
    board.setOrderTransform(firstBox.checked ? pinnedFirst : null);
  });

  panel.hidden = false;
  board.onRow(function (entry) {
    entries.set(entry.key, entry);
    decorate(entry);
  });
  board.order().forEach(function (key) {
    var data = board.row(key);
    if (data) {
      record(data);
      last.set(data.number, copyOf(data));
    }
  });
  penalties(board.top()); // what is on the board already is not news
  board.onFrame(heard);
  if (firstBox.checked) board.setOrderTransform(pinnedFirst);
  paintNotifyState();
  drawChart(true);

  // For the replay: it folds every delta once up front so the chart knows each lap.
  window.PaddockFans = { record: record, redraw: function () { drawChart(true); } };
})();
