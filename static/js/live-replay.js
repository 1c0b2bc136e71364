/* Paddock live board, replay mode: a finished session again, from its stored deltas
 * (docs/live-fanout.md, "Replay").
 *
 * The page embeds the board at seq 0; this script fetches the session's stored deltas in pages,
 * folds them once (the same fold as live/engine/standings.py apply_delta) to keep a copy of the
 * board every CHECKPOINT seqs and each seq's race clock, and then drives the board
 * (window.PaddockBoard) to any seq the slider asks for: from the nearest checkpoint at or before
 * it, then delta by delta. Playing advances a race clock at the chosen speed.
 */
(function () {
  "use strict";

  var board = window.PaddockBoard;
  if (!board || !board.replay || !window.gettext) return;
  var root = board.root;
  var panel = root.querySelector(".live-replay");
  var status = panel.querySelector(".live-replay-status");
  var slider = panel.querySelector(".replay-seq");
  var playButton = panel.querySelector(".replay-play");
  var speedSelect = panel.querySelector(".replay-speed");
  var CHECKPOINT = 200;
  var TICK_MS = 100;
  // Without a clock in the feed or in the stored times, a replay shows this many changes a second
  // at 1×.
  var CHANGES_PER_SECOND = 4;

  var start = board.state(); // the board at seq 0
  var deltas = []; // deltas[i] has seq i + 1
  var checkpoints = []; // checkpoints[n] is the board at seq n * CHECKPOINT, as JSON text
  var clock = [0]; // clock[seq]: race time in ms at that seq, never going back
  var current = 0;
  var playing = false;
  var playClock = 0;
  var timer = null;
  var lastTick = 0;

  panel.hidden = false;

  function fold(snapshot, delta) {
    // live/engine/standings.py apply_delta, on plain objects.
    var result = {};
    for (var name in snapshot) if (name !== "rows") result[name] = snapshot[name];
    var fields = delta.fields || {};
    for (var field in fields) result[field] = fields[field];
    result.seq = delta.seq;
    var byKey = new Map();
    snapshot.rows.forEach(function (row) { byKey.set(row.key, row); });
    var changed = new Map();
    (delta.rows || []).forEach(function (change) {
      var before = byKey.get(change.key) || {};
      var row = {};
      for (var a in before) row[a] = before[a];
      for (var b in change) row[b] = change[b];
      byKey.set(change.key, row);
      changed.set(change.key, row);
    });
    var order = delta.order || snapshot.rows.map(function (row) { return row.key; });
    result.rows = order.map(function (key) { return byKey.get(key); });
    return { board: result, changed: changed };
  }

  function fetchPage(after) {
    var url = root.dataset.deltas + "?after=" + after;
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  function loadAll() {
    var total = null;
    function next() {
      return fetchPage(deltas.length).then(function (page) {
        total = page.last;
        for (var i = 0; i < page.deltas.length; i++) deltas.push(page.deltas[i]);
        status.textContent = interpolate(
          gettext("Loading the session… %(done)s of %(total)s changes"),
          { done: deltas.length, total: total },
          true
        );
        if (page.deltas.length && deltas.length < total) return next();
        return undefined;
      });
    }
    return next();
  }

  function prepare() {
    var snapshot = start;
    var elapsed = [0];
    var seenClock = false;
    checkpoints[0] = JSON.stringify(start);
    for (var i = 0; i < deltas.length; i++) {
      var step = fold(snapshot, deltas[i]);
      snapshot = step.board;
      var seq = i + 1;
      if (seq % CHECKPOINT === 0) checkpoints[seq / CHECKPOINT] = JSON.stringify(snapshot);
      if (window.PaddockFans) step.changed.forEach(window.PaddockFans.record);
      var ms = snapshot.elapsed_ms;
      if (ms !== null && ms !== undefined) seenClock = true;
      elapsed.push(Math.max(elapsed[seq - 1], ms || 0));
    }
    for (var s = 1; s <= deltas.length; s++) {
      clock[s] = seenClock ? elapsed[s] : s * 1000 / CHANGES_PER_SECOND;
    }
  }

  function seek(target) {
    target = Math.max(0, Math.min(deltas.length, target));
    if (target < current || target - current > CHECKPOINT) {
      var at = Math.floor(target / CHECKPOINT);
      board.load(JSON.parse(checkpoints[at]));
      current = at * CHECKPOINT;
    }
    while (current < target) {
      board.step(deltas[current]);
      current += 1;
    }
    if (String(slider.value) !== String(current)) slider.value = String(current);
    root.dataset.replaySeq = String(current);
    if (window.PaddockFans) window.PaddockFans.redraw();
    paintStatus();
  }

  function paintStatus() {
    status.textContent = interpolate(
      gettext("Change %(seq)s of %(total)s"),
      { seq: current, total: deltas.length },
      true
    );
  }

  function setPlaying(on) {
    playing = on && current < deltas.length;
    playButton.textContent = playing ? gettext("Pause") : gettext("Play");
    playButton.setAttribute("aria-pressed", playing ? "true" : "false");
    clearInterval(timer);
    timer = null;
    if (!playing) return;
    playClock = clock[current];
    lastTick = Date.now();
    timer = setInterval(tick, TICK_MS);
  }

  function tick() {
    var now = Date.now();
    playClock += (now - lastTick) * Number(speedSelect.value);
    lastTick = now;
    var target = current;
    while (target < deltas.length && clock[target + 1] <= playClock) target += 1;
    // A long quiet spell (a red flag) passes at once rather than holding the replay.
    if (target === current && current < deltas.length && clock[current + 1] - playClock > 60000) {
      target = current + 1;
      playClock = clock[target];
    }
    if (target !== current) seek(target);
    if (current >= deltas.length) setPlaying(false);
  }

  slider.addEventListener("input", function () {
    seek(Number(slider.value));
    if (playing) playClock = clock[current];
  });
  playButton.addEventListener("click", function () {
    if (!playing && current >= deltas.length) seek(0);
    setPlaying(!playing);
  });

  loadAll()
    .then(function () {
      prepare();
      slider.max = String(deltas.length);
      slider.disabled = false;
      playButton.disabled = false;
      var wanted = Number(new URLSearchParams(location.search).get("seq"));
      seek(isFinite(wanted) && wanted > 0 ? wanted : 0);
      root.dataset.replayReady = "1";
    })
    .catch(function () {
      status.textContent = gettext("The session could not be loaded. Reload the page to try again.");
    });
})();
