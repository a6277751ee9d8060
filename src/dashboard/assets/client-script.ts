// The dashboard's browser script, served as /assets/client.js (never inline: the CSP allows only scripts from
// the handler). Plain ES2020 with no build step. It keeps the page live: a Server-Sent Events stream says what
// changed and the script re-reads the current page's <main> (no polling while idle); a lost stream reconnects
// and resynchronises. Actions are POSTs carrying the CSRF header. Text it shows itself goes through textContent.

/** The script's source. */
export const CLIENT_SCRIPT = String.raw`"use strict";
(function () {
  var meta = function (name) { var el = document.querySelector('meta[name="' + name + '"]'); return el ? el.getAttribute("content") || "" : ""; };
  var base = meta("warren-base");
  var csrf = meta("warren-csrf");
  var REFRESH_GAP_MS = 1000;
  var lastRefresh = 0;
  var refreshTimer = null;
  var refreshing = false;
  var toastTimer = null;

  function toast(message, isError) {
    var box = document.getElementById("toast");
    if (!box) return;
    box.textContent = message;
    box.className = isError ? "error" : "";
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.textContent = ""; }, isError ? 8000 : 3000);
  }

  function busyEditing() {
    var active = document.activeElement;
    if (active && active.closest && active.closest("main") && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "checkbox") return true;
    return !!document.querySelector("main details.add-job[open]");
  }

  function refresh() {
    refreshTimer = null;
    if (refreshing) { scheduleRefresh(); return; }
    if (busyEditing()) { refreshTimer = setTimeout(refresh, REFRESH_GAP_MS); return; }
    refreshing = true;
    lastRefresh = Date.now();
    fetch(location.href, { headers: { "x-warren-fragment": "main" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (text === null) return;
        // The user may have started typing while this was in flight: never replace what they are editing.
        if (busyEditing()) { scheduleRefresh(); return; }
        var main = document.getElementById("main");
        if (!main) return;
        var checked = {};
        main.querySelectorAll('input[name="job"]:checked').forEach(function (box) { checked[box.value] = true; });
        var parsed = new DOMParser().parseFromString("<main>" + text + "</main>", "text/html");
        var fresh = parsed.querySelector("main");
        if (!fresh) return;
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
        main.querySelectorAll('input[name="job"]').forEach(function (box) { if (checked[box.value]) box.checked = true; });
        drawCharts();
        document.dispatchEvent(new CustomEvent("warren:refreshed"));
      })
      .catch(function () { /* the next change or reconnect tries again */ })
      .then(function () { refreshing = false; });
  }

  function scheduleRefresh() {
    if (refreshTimer !== null) return;
    var wait = Math.max(0, REFRESH_GAP_MS - (Date.now() - lastRefresh));
    refreshTimer = setTimeout(refresh, wait);
  }

  function connect() {
    if (!window.EventSource) return;
    var live = document.getElementById("live");
    var connectedBefore = false;
    var source = new EventSource(base + "/api/events");
    source.addEventListener("hello", function () {
      if (live) { live.className = "live on"; live.title = "live"; }
      // A reconnect may have missed changes: read the page again.
      if (connectedBefore) scheduleRefresh();
      connectedBefore = true;
    });
    source.addEventListener("change", scheduleRefresh);
    source.addEventListener("resync", scheduleRefresh);
    source.addEventListener("audit", function () { if (location.pathname.slice(base.length) === "/audit") scheduleRefresh(); });
    source.addEventListener("error", function () { if (live) { live.className = "live off"; live.title = "reconnecting"; } });
  }

  function post(path, body) {
    return fetch(base + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-warren-csrf": csrf },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (payload) {
        if (!response.ok) {
          var message = payload && payload.error && payload.error.message ? payload.error.message : "HTTP " + response.status;
          throw new Error(message);
        }
        return payload;
      });
    });
  }

  function enc(value) { return encodeURIComponent(value); }

  function actionRequest(button) {
    var d = button.dataset;
    var q = "/api/queues/" + enc(d.queue || "");
    switch (d.action) {
      case "retry": case "remove": case "promote": case "cancel":
        return { path: q + "/jobs/" + enc(d.job) + "/" + d.action, confirm: d.action === "remove" ? "Remove job " + d.job + "?" : null };
      case "pause": case "resume":
        return { path: q + "/" + d.action };
      case "schedule-pause": case "schedule-resume": case "schedule-remove":
        return { path: q + "/schedules/" + enc(d.key) + "/" + d.action.slice(9), confirm: d.action === "schedule-remove" ? "Remove schedule " + d.key + "?" : null };
      case "dead-letters-replay":
        return d.job ? { path: q + "/dead-letters/replay", body: { ids: [d.job] } } : { path: q + "/dead-letters/replay", body: { all: true }, confirm: "Replay every dead letter of " + d.queue + "?" };
      case "dead-letters-purge":
        return { path: q + "/dead-letters/purge", confirm: "Delete every dead letter of " + d.queue + "?" };
      default:
        return null;
    }
  }

  function run(button, request) {
    if (request.confirm && !window.confirm(request.confirm)) return;
    button.disabled = true;
    post(request.path, request.body).then(function (payload) {
      toast(payload && payload.message ? payload.message : "done", false);
      scheduleRefresh();
    }, function (error) {
      toast(error.message, true);
      button.disabled = false;
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var button = target.closest("button");
    if (!button) return;
    if (button.dataset.action) {
      var request = actionRequest(button);
      if (request) run(button, request);
      return;
    }
    var bulk = button.closest(".bulk");
    if (!bulk) return;
    var queuePath = "/api/queues/" + enc(bulk.dataset.queue);
    if (button.dataset.bulk) {
      var ids = Array.prototype.map.call(document.querySelectorAll('main input[name="job"]:checked'), function (box) { return box.value; });
      if (ids.length === 0) { toast("select jobs first", true); return; }
      run(button, { path: queuePath + "/bulk/" + button.dataset.bulk, body: { ids: ids }, confirm: button.dataset.bulk + " " + ids.length + " selected job(s)?" });
    } else if (button.dataset.bulkFilter) {
      var filter = { state: bulk.dataset.state || undefined, search: bulk.dataset.search || undefined };
      var what = (bulk.dataset.state || "all") + (bulk.dataset.search ? ' matching "' + bulk.dataset.search + '"' : "");
      run(button, { path: queuePath + "/bulk/" + button.dataset.bulkFilter, body: { filter: filter }, confirm: button.dataset.bulkFilter + " all " + bulk.dataset.total + " " + what + " job(s)?" });
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-select-all")) {
      document.querySelectorAll('main input[name="job"]').forEach(function (box) { box.checked = target.checked; });
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.form !== "add-job") return;
    event.preventDefault();
    var fields = form.elements;
    var data, opts;
    try {
      data = JSON.parse(fields.namedItem("data").value || "null");
      opts = JSON.parse(fields.namedItem("opts").value || "{}");
    } catch (error) {
      toast("data and options must be JSON: " + error.message, true);
      return;
    }
    post("/api/queues/" + enc(form.dataset.queue) + "/jobs", { name: fields.namedItem("name").value, data: data, opts: opts }).then(function (payload) {
      toast("added job " + payload.job.id, false);
      form.reset();
      var details = form.closest("details");
      if (details) details.open = false;
      scheduleRefresh();
    }, function (error) { toast(error.message, true); });
  });

  function drawCharts() {
    var holder = document.querySelector("main .charts");
    if (!holder || !window.uPlot) return;
    var figures = JSON.parse(holder.getAttribute("data-figures") || "[]");
    var times = figures.map(function (m) { return m.at / 1000; });
    var width = Math.max(320, Math.min(700, holder.clientWidth - 40));
    var series = {
      throughput: [[{}, { label: "completed", stroke: "#067647" }, { label: "failed", stroke: "#c4320a" }], ["completed", "failed"]],
      wait: [[{}, { label: "p50", stroke: "#3056d3" }, { label: "p95", stroke: "#b54708" }], ["waitP50", "waitP95"]],
      run: [[{}, { label: "p50", stroke: "#3056d3" }, { label: "p95", stroke: "#b54708" }], ["runP50", "runP95"]],
    };
    holder.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = series[el.getAttribute("data-chart")];
      if (!spec) return;
      el.replaceChildren();
      var data = [times].concat(spec[1].map(function (key) { return figures.map(function (m) { return m[key]; }); }));
      new window.uPlot({ width: width, height: 220, series: spec[0] }, data, el);
    });
  }

  var started = false;
  function start() { if (started) return; started = true; drawCharts(); connect(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
`;
