// orch dashboard: transitions pushed over SSE refresh the live regions; the log tail follows its stream;
// every time shows in the browser's time zone, one format everywhere, the full time on hover.
(function () {
  'use strict';
  var pad = function (n) { return String(n).padStart(2, '0'); };
  var fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
  var time = {
    // Sortable and the same in every locale: 2026-11-25 10:00:00, local time.
    short: function (date) {
      return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' ' +
        pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
    },
    full: function (date) { return fullFormat.format(date) + ' (' + date.toISOString() + ')'; },
    element: function (date) {
      var el = document.createElement('time');
      el.dateTime = date.toISOString();
      el.textContent = time.short(date);
      el.title = time.full(date);
      return el;
    },
  };
  // charts.js labels its hover values with the same format.
  window.orchTime = time;
  // The server renders <time datetime> in UTC; each one is shown again in local time.
  var localize = function (root) {
    root.querySelectorAll('time[datetime]').forEach(function (el) {
      var date = new Date(el.dateTime);
      if (isNaN(date)) return;
      el.textContent = time.short(date);
      el.title = time.full(date);
    });
  };
  localize(document);
  // On swap, before the browser paints the UTC text.
  document.body.addEventListener('htmx:afterSwap', function (event) { localize(event.target); });
  var flash = function (text) {
    var box = document.getElementById('flash');
    if (!box) return;
    var p = document.createElement('p');
    p.textContent = text;
    box.appendChild(p);
    setTimeout(function () { p.remove(); }, 6000);
  };

  // Each transition refreshes the regions that listen for `orch:transition` (hx-trigger ... from:body).
  if (document.body.dataset.live === 'true' && window.EventSource) {
    var events = new EventSource('/api/events');
    events.addEventListener('transition', function () {
      document.body.dispatchEvent(new CustomEvent('orch:transition'));
    });
  }

  // After a button's request, refresh at once rather than waiting for the next transition or tick.
  document.body.addEventListener('htmx:afterRequest', function (event) {
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (verb === 'post') document.body.dispatchEvent(new CustomEvent('orch:transition'));
  });
  document.body.addEventListener('htmx:responseError', function (event) {
    var xhr = event.detail.xhr;
    var message = 'request failed (' + xhr.status + ')';
    try { message = JSON.parse(xhr.responseText).error.message; } catch (e) { /* not JSON */ }
    flash(message);
  });

  var log = document.getElementById('log');
  if (log && log.dataset.stream && window.EventSource) {
    var paused = false;
    var held = [];
    var button = document.getElementById('log-pause');
    var status = document.getElementById('log-status');
    var MAX_LINES = 1000;
    var show = function (line) {
      var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
      var row = document.createElement('div');
      row.className = 'line line-' + line.stream;
      row.appendChild(time.element(new Date(line.time)));
      row.appendChild(document.createTextNode('  ' + (line.stream === 'stderr' ? '' : '[' + line.stream + '] ') + line.text));
      log.appendChild(row);
      while (log.childNodes.length > MAX_LINES) log.removeChild(log.firstChild);
      if (atBottom) log.scrollTop = log.scrollHeight;
    };
    var stream = new EventSource(log.dataset.stream);
    stream.addEventListener('log', function (event) {
      var line = JSON.parse(event.data);
      if (paused) {
        held.push(line);
        if (held.length > MAX_LINES) held.shift();
        status.textContent = 'paused, ' + held.length + ' new line' + (held.length === 1 ? '' : 's') + ' held';
      } else {
        show(line);
      }
    });
    stream.addEventListener('open', function () { if (!paused) status.textContent = 'following'; });
    stream.addEventListener('error', function () { status.textContent = 'reconnecting…'; });
    button.addEventListener('click', function () {
      paused = !paused;
      button.textContent = paused ? 'Resume' : 'Pause';
      button.setAttribute('aria-pressed', String(paused));
      if (!paused) {
        held.forEach(show);
        held = [];
        status.textContent = 'following';
      }
    });
  }
})();
