// orch dashboard: transitions pushed over SSE refresh the live regions; the log tail follows its stream.
(function () {
  'use strict';
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
      row.textContent = new Date(line.time).toLocaleTimeString() + '  ' + (line.stream === 'stderr' ? '' : '[' + line.stream + '] ') + line.text;
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
