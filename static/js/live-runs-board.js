/* Paddock timed-runs board: the same snapshot + numbered deltas as the race board
   (docs/live-fanout.md), drawn as runs: on course now, last run with penalties, best, raw and
   indexed positions, runs left. Small boards: the table is redrawn on every frame.
   The NEV efficiency board (events/efficiency/board.html, data-board="efficiency") uses the same
   socket code with its own row: energy per 100 km, energy, distance, time. Its page is rendered
   with the standings and no snapshot script: the socket's first frame is the snapshot. */
(function () {
  "use strict";
  var root = document.getElementById("runs-board") || document.getElementById("efficiency-board");
  if (!root || !root.dataset.socket) return;
  var efficiency = root.dataset.board === "efficiency";
  var labels = JSON.parse(document.getElementById("live-labels").textContent);
  var tbody = root.querySelector("tbody");
  var moving = root.querySelector(".runs-moving");
  var empty = root.querySelector(".live-empty");
  var conn = root.querySelector(".live-conn");
  var indexed = root.dataset.indexed === "1";
  var UNKNOWN_SESSION = 4404, TOO_MANY_SOCKETS = 4430, RESYNC = 4000;
  var seq = -1, top = {}, rows = {}, order = [];
  var socket = null, attempt = 0, retryTimer = null, stopped = false, resumeFrom = null;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }
  function time(ms) {
    if (ms === null || ms === undefined) return "";
    var s = Math.floor(ms / 1000), frac = String(ms % 1000).padStart(3, "0");
    var m = Math.floor(s / 60), h = Math.floor(m / 60);
    s = s % 60;
    if (h) return h + ":" + String(m % 60).padStart(2, "0") + ":" + String(s).padStart(2, "0") + "." + frac;
    return (m ? m + ":" + String(s).padStart(2, "0") : String(s)) + "." + frac;
  }
  function counted(n, one, many) {
    return fill(n === 1 ? labels[one] : labels[many], { n: n });
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    if (text instanceof Node) td.appendChild(text); else td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function lastRun(last) {
    var span = document.createElement("span");
    if (!last) return span;
    if (last.penalised_ms === null || last.penalised_ms === undefined) {
      span.textContent = labels[last.status] || last.status.toUpperCase();
      return span;
    }
    span.textContent = time(last.penalised_ms);
    var extra = [];
    if (last.cones) extra.push(counted(last.cones, "cones_one", "cones"));
    if (last.gates) extra.push(counted(last.gates, "gates_one", "gates"));
    if (extra.length) {
      var pen = document.createElement("span");
      pen.className = "penalty";
      pen.textContent = " (" + time(last.time_ms) + " " + extra.join(" ") + ")";
      span.appendChild(pen);
    }
    return span;
  }
  function efficiencyRow(row) {
    var tr = document.createElement("tr");
    tr.dataset.key = row.key;
    cell(tr, row.position ? String(row.position) : (labels["standing_" + row.standing] || ""));
    cell(tr, row.number);
    cell(tr, row.name || "");
    var score = document.createElement("span");
    score.textContent = row.kwh_per_100km === null ? "—" : row.kwh_per_100km;
    if (row.penalty_percent) {
      var pen = document.createElement("span");
      pen.className = "muted small";
      pen.textContent = " " + fill(labels.over_time, { p: row.penalty_percent });
      score.appendChild(pen);
    }
    cell(tr, score);
    cell(tr, row.energy_kwh === null ? "—" : row.energy_kwh);
    cell(tr, row.distance_km === null ? "—" : row.distance_km);
    cell(tr, time(row.elapsed_ms));
    return tr;
  }
  function renderEfficiency() {
    tbody.textContent = "";
    order.forEach(function (key) { tbody.appendChild(efficiencyRow(rows[key])); });
    if (!order.length) {
      var tr = document.createElement("tr");
      cell(tr, labels.no_runs).colSpan = 7;
      tbody.appendChild(tr);
    }
    root.dataset.seq = seq;
  }
  function render() {
    if (efficiency) { renderEfficiency(); return; }
    tbody.textContent = "";
    moving.textContent = "";
    var onCourse = [];
    order.forEach(function (key) {
      var row = rows[key];
      var tr = document.createElement("tr");
      tr.dataset.key = key;
      if (row.on_course) { tr.className = "on-course"; onCourse.push(row); }
      cell(tr, row.position ? String(row.position) : (row.status ? (labels[row.status] || row.status.toUpperCase()) : ""), "num");
      cell(tr, row.number, "num");
      var who = document.createElement("span");
      who.textContent = row.name || "";
      if (row["class"]) {
        var cls = document.createElement("span");
        cls.className = "class";
        cls.textContent = " " + row["class"];
        who.appendChild(cls);
      }
      cell(tr, who);
      cell(tr, lastRun(row.last), "num last");
      cell(tr, time(row.best_ms), "num best");
      if (indexed) cell(tr, row.indexed_ms ? time(row.indexed_ms) + (row.indexed_position ? " (" + row.indexed_position + ")" : "") : "", "num ipos");
      cell(tr, String(row.runs_left), "num");
      tbody.appendChild(tr);
    });
    onCourse.forEach(function (row) {
      var li = document.createElement("li");
      li.dataset.key = row.key;
      li.textContent = "#" + row.number + (row.name ? " " + row.name : "") + " · " + fill(labels.run, { n: row.runs_done + 1 });
      moving.appendChild(li);
    });
    if (!onCourse.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = labels.nobody_on_course;
      moving.appendChild(none);
    }
    empty.hidden = order.length > 0;
    root.dataset.seq = seq;
  }
  function applySnapshot(frame) {
    top = {};
    for (var name in frame) if (name !== "rows" && name !== "type") top[name] = frame[name];
    rows = {};
    order = [];
    (frame.rows || []).forEach(function (row) { rows[row.key] = row; order.push(row.key); });
    seq = frame.seq;
  }
  function applyDelta(frame) {
    var fields = frame.fields || {};
    for (var name in fields) top[name] = fields[name];
    (frame.rows || []).forEach(function (change) {
      var row = rows[change.key] || (rows[change.key] = {});
      for (var field in change) row[field] = change[field];
    });
    if (frame.order) {
      var keep = {};
      frame.order.forEach(function (key) { keep[key] = true; });
      Object.keys(rows).forEach(function (key) { if (!keep[key]) delete rows[key]; });
      order = frame.order.slice();
    }
    seq = frame.seq;
  }
  function setState(state, text) { conn.dataset.state = state; conn.textContent = text; }
  function onFrame(event) {
    var frame;
    try { frame = JSON.parse(event.data); } catch (err) { return; }
    if (frame.type === "snapshot") {
      applySnapshot(frame);
    } else if (frame.type === "delta") {
      if (frame.seq <= seq) return;
      if (frame.seq !== seq + 1) { resync(); return; }
      applyDelta(frame);
    } else {
      return;
    }
    attempt = 0;
    setState("live", labels.live);
    render();
  }
  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + root.dataset.socket + (resumeFrom !== null ? "?since=" + resumeFrom : ""));
    socket = ws;
    ws.onopen = function () { if (socket === ws) setState("live", labels.live); };
    ws.onmessage = function (event) { if (socket === ws) onFrame(event); };
    ws.onclose = function (event) {
      if (socket !== ws) return;
      socket = null;
      if (event.code === UNKNOWN_SESSION) { stopped = true; setState("gone", labels.not_found); return; }
      if (event.code === TOO_MANY_SOCKETS) {
        setState("busy", labels.too_many);
        resumeFrom = seq < 0 ? null : seq;
        retryTimer = setTimeout(connect, 60000 * (1 + Math.random()));
        return;
      }
      resumeFrom = event.code === RESYNC || seq < 0 ? null : seq;
      scheduleReconnect();
    };
  }
  function scheduleReconnect() {
    if (stopped || retryTimer) return;
    setState(attempt > 2 ? "offline" : "reconnecting", attempt > 2 ? labels.offline : labels.reconnecting);
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
  }
  function resync() {
    resumeFrom = null;
    if (socket) { var ws = socket; socket = null; ws.close(RESYNC); }
    if (attempt === 0) { attempt = 1; connect(); } else { scheduleReconnect(); }
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && (!socket || socket.readyState > 1)) {
      resumeFrom = seq < 0 ? null : seq;
      attempt = 0;
      connect();
    }
  });
  var initial = document.getElementById("live-snapshot");
  if (initial) {
    applySnapshot(JSON.parse(initial.textContent));
    render();
    resumeFrom = seq;
  }
  setState("connecting", labels.connecting);
  connect();
})();
