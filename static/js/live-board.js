/* Paddock live board: snapshot + numbered deltas over one WebSocket (docs/timing.md, fan-out).
 *
 * The page embeds the snapshot it was rendered with; the socket resumes from its seq. Deltas are
 * applied strictly in seq order; a gap means a frame was lost (the channel layer is at-most-once),
 * so the board reconnects for a fresh snapshot. Rows are DOM nodes keyed by the row key, and a cell
 * is only written when its text changes: phones stay cool during a two-hour race.
 *
 * Other scripts of the page (live-fans.js, live-replay.js) extend it through window.PaddockBoard
 * (below): they hear every applied frame, decorate new rows, may change the order rows are shown
 * in, and a replay drives the board itself instead of the socket (docs/live-fanout.md).
 */
(function () {
  "use strict";

  var root = document.getElementById("live-board");
  if (!root) return;
  var labels = JSON.parse(document.getElementById("live-labels").textContent);
  var tbody = root.querySelector("tbody");
  var conn = root.querySelector(".live-conn");
  var flagEl = root.querySelector(".live-flag");
  var clockEl = root.querySelector(".live-clock");
  var filterEl = root.querySelector(".live-class-filter");
  var emptyEl = root.querySelector(".live-empty");
  var messagesEl = root.querySelector(".live-messages");
  var messagesKey = "";

  var UNKNOWN_SESSION = 4404;
  var RESYNC = 4000; // our own close code: "I saw a gap, give me a snapshot"
  // The server holds as many sockets from this address as it allows (live/consumers.py): say so
  // and wait long, instead of adding to the crowd with quick retries.
  var TOO_MANY_SOCKETS = 4430;
  var TOO_MANY_DELAY_MS = 60000;
  var MAX_DELAY_MS = 30000;
  // "pin" is last and left empty here: live-fans.js puts its button in it.
  var COLUMNS = ["position", "number", "name", "class", "laps", "last", "best", "gap", "interval", "pin"];
  var CELL_CLASS = {
    class: "col-class", laps: "num col-laps", last: "num col-last", best: "num col-best",
    interval: "num col-int", name: "", pin: "col-pin",
  };
  var replay = root.dataset.replay === "1";
  var frameListeners = [];
  var rowListeners = [];
  var orderTransform = null;

  var top = {}; // top-level fields of the current snapshot
  var seq = -1;
  var rows = new Map(); // key -> { tr, cells, data, text }
  var order = [];
  var classFilter = "";
  var knownClasses = new Set();
  var socket = null;
  var attempt = 0;
  var retryTimer = null;
  var resumeFrom = null; // seq to resume from on the next connect, or null for a snapshot
  var stopped = false;
  var hiddenSince = document.hidden ? Date.now() : 0;

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = "0" + s;
    return s;
  }

  function lapTime(ms) {
    if (ms === null || ms === undefined) return "";
    var minutes = Math.floor(ms / 60000);
    var rest = ms - minutes * 60000;
    var seconds = Math.floor(rest / 1000);
    var text = pad(seconds, minutes ? 2 : 1) + "." + pad(rest % 1000, 3);
    return minutes ? minutes + ":" + text : text;
  }

  function clock(ms) {
    if (ms === null || ms === undefined) return "";
    var total = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    return (h ? h + ":" + pad(m, 2) : String(m)) + ":" + pad(total % 60, 2);
  }

  function behind(ms, laps) {
    if (laps === 1) return labels.laps_down_one;
    if (laps > 1) return fill(labels.laps_down, { n: laps });
    if (ms === null || ms === undefined) return "";
    return "+" + lapTime(ms);
  }

  function cellTexts(row) {
    var filtered = classFilter !== "";
    return {
      position: String(filtered ? row.class_position : row.position),
      number: row.number || "",
      name: (row.name || "") + (row.in_pit ? " · " + labels.in_pit : "") +
        (row.finished ? " · " + labels.finished : ""),
      class: row.class || "",
      laps: row.laps === null || row.laps === undefined ? "" : String(row.laps),
      last: lapTime(row.last_lap_ms),
      best: lapTime(row.best_lap_ms),
      gap: behind(row.gap_ms, row.gap_laps),
      interval: behind(row.interval_ms, row.interval_laps),
      stops: fill(labels.stops, { n: row.stops || 0 }) +
        (row.stint_laps === null || row.stint_laps === undefined ? ""
          : " · " + fill(labels.stint_laps, { n: row.stint_laps })),
    };
  }

  function createRow(key) {
    var tr = document.createElement("tr");
    var cells = {};
    for (var i = 0; i < COLUMNS.length; i++) {
      var name = COLUMNS[i];
      var td = document.createElement("td");
      td.className = name in CELL_CLASS ? CELL_CLASS[name] : "num";
      cells[name] = td;
      tr.appendChild(td);
    }
    tr.dataset.key = key;
    var entry = { key: key, tr: tr, cells: cells, data: {}, text: {}, marks: "", move: "", detail: null };
    // A phone hides columns; tapping the row (or Enter on it) shows them below it.
    tr.tabIndex = 0;
    tr.setAttribute("aria-expanded", "false");
    tr.addEventListener("click", function () { toggleDetail(entry); });
    tr.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        toggleDetail(entry);
      }
    });
    rows.set(key, entry);
    for (var j = 0; j < rowListeners.length; j++) rowListeners[j](entry);
    return entry;
  }

  // The columns a narrow screen drops, as "label value" pairs under the tapped row. Built only
  // while open and written only when their text changes, like the cells.
  var DETAIL_FIELDS = ["class", "laps", "last", "best", "gap", "interval", "stops"];

  function toggleDetail(entry) {
    if (entry.detail) {
      entry.detail.tr.remove();
      entry.detail = null;
      entry.tr.setAttribute("aria-expanded", "false");
      return;
    }
    var tr = document.createElement("tr");
    tr.className = "live-detail";
    var td = document.createElement("td");
    td.colSpan = COLUMNS.length;
    var list = document.createElement("dl");
    var values = {};
    for (var i = 0; i < DETAIL_FIELDS.length; i++) {
      var name = DETAIL_FIELDS[i];
      var item = document.createElement("div");
      item.dataset.field = name;
      var dt = document.createElement("dt");
      dt.textContent = labels["detail_" + name];
      var dd = document.createElement("dd");
      item.appendChild(dt);
      item.appendChild(dd);
      list.appendChild(item);
      values[name] = dd;
    }
    td.appendChild(list);
    // The car's own page: its pit stops and stints.
    var link = document.createElement("a");
    link.href = root.dataset.carUrl.replace("__car__", encodeURIComponent(entry.data.key));
    link.textContent = labels.car_page;
    link.className = "live-car-link";
    td.appendChild(link);
    tr.appendChild(td);
    entry.detail = { tr: tr, values: values, text: {} };
    entry.tr.setAttribute("aria-expanded", "true");
    entry.tr.after(tr);
    paintDetail(entry);
  }

  function paintDetail(entry) {
    var detail = entry.detail;
    if (!detail) return;
    for (var i = 0; i < DETAIL_FIELDS.length; i++) {
      var name = DETAIL_FIELDS[i];
      var text = entry.text[name] || "—";
      if (detail.text[name] !== text) {
        detail.text[name] = text;
        detail.values[name].textContent = text;
      }
    }
    if (detail.tr.hidden !== entry.tr.hidden) detail.tr.hidden = entry.tr.hidden;
  }

  function paintRow(entry) {
    var data = entry.data;
    var texts = cellTexts(data);
    for (var name in texts) {
      if (entry.text[name] !== texts[name]) {
        entry.text[name] = texts[name];
        // Some texts (the pit stops) are only in the line under a tapped row.
        if (entry.cells[name]) entry.cells[name].textContent = texts[name];
      }
    }
    // Session best beats personal best: purple over green, the colours every timing screen uses.
    var lastMark = data.pb ? (data.sb ? "sb" : "pb") : "";
    var marks = lastMark + "|" + (data.sb ? "sb" : "") + "|" + (data.in_pit ? "pit" : "") +
      "|" + (data.finished ? "fin" : "");
    if (entry.marks !== marks) {
      entry.marks = marks;
      entry.cells.last.classList.toggle("pb", lastMark === "pb");
      entry.cells.last.classList.toggle("sb", lastMark === "sb");
      entry.cells.best.classList.toggle("sb", !!data.sb);
      entry.tr.classList.toggle("in-pit", !!data.in_pit);
      entry.tr.classList.toggle("finished", !!data.finished);
    }
    paintMove(entry);
    var hidden = classFilter !== "" && data.class !== classFilter;
    if (entry.tr.hidden !== hidden) entry.tr.hidden = hidden;
    paintDetail(entry);
    if (data.class && !knownClasses.has(data.class)) addClassOption(data.class);
  }

  // Places gained or lost over the car's last lap (live/engine/moves.py): an arrow drawn by CSS
  // after the position, so the cell's text stays the position alone.
  function paintMove(entry) {
    var gained = entry.data.places_gained;
    var move = gained ? (gained > 0 ? "up" : "down") + (gained > 0 ? gained : -gained) : "";
    if (entry.move === move) return;
    entry.move = move;
    var cell = entry.cells.position;
    if (!move) {
      delete cell.dataset.dir;
      delete cell.dataset.places;
      cell.removeAttribute("title");
      return;
    }
    var n = gained > 0 ? gained : -gained;
    cell.dataset.dir = gained > 0 ? "up" : "down";
    cell.dataset.places = String(n);
    var label = gained > 0 ? (n === 1 ? labels.gained_one : labels.gained) : (n === 1 ? labels.lost_one : labels.lost);
    cell.title = fill(label, { n: n });
  }

  function addClassOption(name) {
    knownClasses.add(name);
    var option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    filterEl.appendChild(option);
  }

  function reorder(keys) {
    var ref = tbody.firstChild;
    var wanted = new Set(keys);
    var shown = orderTransform ? orderTransform(keys) : keys;
    for (var i = 0; i < shown.length; i++) {
      var entry = rows.get(shown[i]);
      if (!entry) continue;
      if (entry.tr === ref) ref = ref.nextSibling;
      else tbody.insertBefore(entry.tr, ref);
      // An open detail row travels with its car.
      if (entry.detail) {
        if (entry.detail.tr === ref) ref = ref.nextSibling;
        else tbody.insertBefore(entry.detail.tr, ref);
      }
    }
    rows.forEach(function (entry, key) {
      if (!wanted.has(key)) {
        entry.tr.remove();
        if (entry.detail) entry.detail.tr.remove();
        rows.delete(key);
      }
    });
    order = keys;
    emptyEl.hidden = keys.length > 0;
  }

  function paintTop() {
    // A narrow screen keeps the lap time that orders the session: best in practice, last in a race.
    var mode = (top.session && top.session.mode) || "race";
    if (root.dataset.mode !== mode) root.dataset.mode = mode;
    // The board's own race end (docs/race-control.md) outranks the feed's flag: the feed has no
    // white flag, and shows its chequered flag only when the timing PC is told.
    var flag = top.chequered ? "finish" : top.white_flag ? "white" : top.flag || "none";
    if (flagEl.dataset.flag !== flag || !flagEl.textContent) {
      flagEl.dataset.flag = flag;
      flagEl.textContent = labels["flag_" + flag] || labels.flag_none;
    }
    var parts = [];
    if (top.final_lap && !top.chequered && order.length) {
      var lead = rows.get(order[0]);
      var onLap = Math.min((lead && lead.data.laps || 0) + 1, top.final_lap);
      parts.push(fill(labels.lap_of, { lap: onLap, laps: top.final_lap }));
    }
    if (top.laps_to_go !== null && top.laps_to_go !== undefined && top.laps_to_go < 9999) {
      var toGo = top.laps_to_go === 1 ? labels.laps_to_go_one : labels.laps_to_go;
      parts.push(fill(toGo, { n: top.laps_to_go }));
    } else if (top.time_to_go_ms) {
      parts.push(fill(labels.time_to_go, { time: clock(top.time_to_go_ms) }));
    }
    if (top.elapsed_ms !== null && top.elapsed_ms !== undefined) {
      parts.push(fill(labels.elapsed, { time: clock(top.elapsed_ms) }));
    }
    var text = parts.join(" · ");
    if (clockEl.textContent !== text) clockEl.textContent = text;
    paintMessages(top.messages || []);
  }

  // Race control, newest first: rebuilt only when the list changes (a few times a race).
  function messageText(m) {
    var parts = [];
    if (m.kind === "record") {
      parts.push(labels["record_" + m.record] || "");
    } else {
      parts.push(labels["kind_" + m.kind] || "");
    }
    if (m.flag) parts.push(labels["rc_flag_" + m.flag] || m.flag);
    if (m.sector) parts.push(fill(labels.sector, { n: m.sector }));
    if (m.car) parts.push("#" + m.car);
    if (m.penalty) {
      var penalty = labels["penalty_" + m.penalty] || m.penalty;
      if (m.penalty_seconds) penalty += " " + fill(labels.seconds, { n: m.penalty_seconds });
      if (m.penalty_positions) penalty += " " + fill(labels.places, { n: m.penalty_positions });
      parts.push(penalty);
    }
    if (m.lap_ms) parts.push(lapTime(m.lap_ms));
    if (m.kind === "record" && m.class) parts.push(m.class);
    if (m.text) parts.push(m.text);
    return parts.filter(Boolean).join(" · ");
  }

  function paintMessages(list) {
    var key = JSON.stringify(list);
    if (key === messagesKey) return;
    messagesKey = key;
    messagesEl.textContent = "";
    for (var i = 0; i < list.length; i++) {
      var li = document.createElement("li");
      li.className = "live-message rc-" + list[i].kind;
      li.dataset.id = list[i].id;
      var at = list[i].at ? new Date(list[i].at) : null;
      if (at && !isNaN(at)) {
        var time = document.createElement("time");
        time.textContent = pad(at.getHours(), 2) + ":" + pad(at.getMinutes(), 2) + " ";
        li.appendChild(time);
      }
      li.appendChild(document.createTextNode(messageText(list[i])));
      messagesEl.appendChild(li);
    }
    messagesEl.hidden = list.length === 0;
  }

  function applySnapshot(snapshot) {
    top = {};
    for (var name in snapshot) if (name !== "rows" && name !== "type") top[name] = snapshot[name];
    seq = snapshot.seq;
    var keys = [];
    for (var i = 0; i < snapshot.rows.length; i++) {
      var row = snapshot.rows[i];
      var key = row.key !== undefined ? row.key : row.number;
      var entry = rows.get(key) || createRow(key);
      entry.data = copyOf(row); // the board's own: deltas change it in place
      paintRow(entry);
      keys.push(key);
    }
    reorder(keys);
    paintTop();
  }

  function applyDelta(delta) {
    if (delta.fields) {
      for (var name in delta.fields) top[name] = delta.fields[name];
    }
    top.seq = seq = delta.seq;
    var changes = delta.rows || [];
    for (var i = 0; i < changes.length; i++) {
      var change = changes[i];
      var entry = rows.get(change.key);
      if (!entry) {
        entry = createRow(change.key);
        if (!delta.order) order = order.concat([change.key]);
      }
      for (var field in change) entry.data[field] = change[field];
      paintRow(entry);
    }
    if (delta.order || changes.length) reorder(delta.order || order);
    if (delta.fields) paintTop();
  }

  function setState(state, text) {
    conn.dataset.state = state;
    conn.textContent = text;
  }

  function onFrame(event) {
    var frame;
    try {
      frame = JSON.parse(event.data);
    } catch (err) {
      return;
    }
    if (frame.type === "snapshot") {
      applySnapshot(frame);
    } else if (frame.type === "delta") {
      if (frame.seq <= seq) return; // already contained in what we have
      if (frame.seq !== seq + 1) {
        resync();
        return;
      }
      applyDelta(frame);
    } else {
      return;
    }
    root.dataset.seq = seq; // the last frame applied, for whoever inspects the page
    if (conn.dataset.state !== "live") setState("live", labels.live);
    attempt = 0;
    heard(frame);
  }

  function heard(frame) {
    for (var i = 0; i < frameListeners.length; i++) frameListeners[i](frame);
  }

  function copyOf(data) {
    var copy = {};
    for (var name in data) copy[name] = data[name];
    return copy;
  }

  // The extension point of the board (docs/live-fanout.md, "Board extensions").
  window.PaddockBoard = {
    root: root,
    replay: replay,
    // fn(frame) after each snapshot or delta the board applied (a replay's too).
    onFrame: function (fn) { frameListeners.push(fn); },
    // fn(entry) for each row created, and now for those that exist: entry.key, .tr, .cells.
    onRow: function (fn) {
      rowListeners.push(fn);
      rows.forEach(function (entry) { fn(entry); });
    },
    // fn(keys in board order) -> keys in the order to show them; null for the board's order.
    setOrderTransform: function (fn) {
      orderTransform = fn;
      reorder(order);
    },
    row: function (key) {
      var entry = rows.get(key);
      return entry ? entry.data : null;
    },
    order: function () { return order.slice(); },
    lapTime: lapTime,
    copyOf: copyOf,
    // A race-control message as the board's list says it, translated.
    messageText: messageText,
    top: function () { return top; },
    // The board as data: what a snapshot at the last applied seq would say.
    state: function () {
      var result = copyOf(top);
      result.seq = seq;
      result.rows = order.map(function (key) { return copyOf(rows.get(key).data); });
      return result;
    },
    // A replay hands the board a snapshot or the next delta itself (no socket in replay mode).
    load: function (snapshot) {
      applySnapshot(snapshot);
      root.dataset.seq = seq;
      heard(snapshot);
    },
    step: function (delta) {
      applyDelta(delta);
      root.dataset.seq = seq;
      heard(delta);
    },
  };

  function url() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var path = root.dataset.socket + (resumeFrom !== null ? "?since=" + resumeFrom : "");
    return scheme + location.host + path;
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped) return;
    var ws = new WebSocket(url());
    socket = ws;
    ws.onopen = function () { if (socket === ws) setState("live", labels.live); };
    ws.onmessage = function (event) { if (socket === ws) onFrame(event); };
    ws.onclose = function (event) {
      if (socket !== ws) return;
      socket = null;
      if (event.code === UNKNOWN_SESSION) {
        stopped = true;
        setState("gone", labels.not_found);
        return;
      }
      if (event.code === TOO_MANY_SOCKETS) {
        setState("busy", labels.too_many);
        resumeFrom = seq < 0 ? null : seq;
        clearTimeout(retryTimer);
        retryTimer = setTimeout(connect, TOO_MANY_DELAY_MS * (1 + Math.random()));
        return;
      }
      // A resync asked for a snapshot; any other drop resumes from what we have.
      resumeFrom = event.code === RESYNC || seq < 0 ? null : seq;
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (stopped || retryTimer) return;
    setState(attempt > 2 ? "offline" : "reconnecting", attempt > 2 ? labels.offline : labels.reconnecting);
    // Exponential back-off with jitter, so a restarted server is not hit by every phone at once.
    var delay = Math.min(MAX_DELAY_MS, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
  }

  function resync() {
    resumeFrom = null;
    if (socket) {
      var ws = socket;
      socket = null;
      ws.close(RESYNC);
    }
    // The first resync is immediate; a feed that keeps skipping goes through the back-off.
    if (attempt === 0) {
      attempt = 1;
      connect();
    } else {
      scheduleReconnect();
    }
  }

  filterEl.addEventListener("change", function () {
    classFilter = filterEl.value;
    rows.forEach(paintRow);
  });

  // Phones sleep and switch networks: when the page comes back, make sure the socket did too.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      hiddenSince = Date.now();
      return;
    }
    var longAway = hiddenSince && Date.now() - hiddenSince > 60000;
    hiddenSince = 0;
    if (!socket || socket.readyState > 1 || longAway) {
      if (socket) {
        var ws = socket;
        socket = null;
        ws.close();
      }
      resumeFrom = seq < 0 ? null : seq;
      attempt = 0;
      connect();
    }
  });
  window.addEventListener("online", function () {
    if (!socket) {
      attempt = 0;
      connect();
    }
  });

  var initial = JSON.parse(document.getElementById("live-snapshot").textContent);
  applySnapshot(initial);
  root.dataset.seq = seq;
  if (replay) {
    // live-replay.js drives the board; no socket.
    stopped = true;
    setState("replay", labels.replay);
    return;
  }
  resumeFrom = seq;
  setState("connecting", labels.connecting);
  connect();
})();
