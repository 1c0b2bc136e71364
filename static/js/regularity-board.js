// Live regularity standings: the page is rendered with the standings; this script follows them
// over the live snapshot + delta socket (docs/live-fanout.md). Deltas are applied in seq order;
// a gap, or a closed socket, means reconnecting for a fresh snapshot.
(function () {
  "use strict";

  var table = document.querySelector("table[data-standings][data-socket]");
  if (!table || !window.WebSocket) return;
  var tbody = table.querySelector("tbody");
  var crewUrl = table.dataset.crewUrl; // ends in /0/ for the crew number
  var excluded = table.dataset.msgExcluded;
  var state = null;
  var delay = 1000;

  function crewLink(number) {
    return crewUrl.replace(/\/0\/$/, "/" + encodeURIComponent(number) + "/");
  }

  function cell(row, text, numeric) {
    var td = document.createElement("td");
    if (numeric) td.className = "num";
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function render() {
    var body = document.createDocumentFragment();
    state.rows.forEach(function (data) {
      var tr = document.createElement("tr");
      tr.dataset.key = data.key;
      cell(tr, data.classified ? String(data.position) : data.excluded ? excluded : "—", true);
      cell(tr, data.number, true);
      var name = cell(tr, "", false);
      var link = document.createElement("a");
      link.href = crewLink(data.number);
      link.textContent = data.name || "#" + data.number;
      name.appendChild(link);
      cell(tr, data["class"] || "", false);
      cell(tr, data.penalty, true);
      cell(tr, String(data.zeros), true);
      body.appendChild(tr);
    });
    tbody.textContent = "";
    tbody.appendChild(body);
    table.dataset.seq = String(state.seq);
  }

  function apply(delta) {
    var byKey = {};
    state.rows.forEach(function (row) { byKey[row.key] = row; });
    (delta.rows || []).forEach(function (change) {
      var row = byKey[change.key] || (byKey[change.key] = {});
      Object.keys(change).forEach(function (name) { row[name] = change[name]; });
    });
    var order = delta.order || state.rows.map(function (row) { return row.key; });
    state.rows = order.map(function (key) { return byKey[key]; });
    state.seq = delta.seq;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + table.dataset.socket);
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "snapshot") {
        state = { seq: frame.seq, rows: frame.rows || [] };
      } else if (frame.type === "delta" && state && frame.seq === state.seq + 1) {
        apply(frame);
      } else if (frame.type === "delta" && state && frame.seq <= state.seq) {
        return;
      } else {
        socket.close(4000);
        return;
      }
      delay = 1000;
      render();
    };
    socket.onclose = function (event) {
      if (event.code === 4404) return;
      state = null;
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  connect();
})();
