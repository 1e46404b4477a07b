// orch server page: the CPU, memory and ping graphs, drawn by uPlot from `history` of the server's API
// resource, redrawn each time the page's live region refreshes (every 5 s and on every transition).
(function () {
  'use strict';
  var box = document.getElementById('charts');
  if (!box || !window.uPlot) return;
  var HEIGHT = 160;
  var css = getComputedStyle(document.documentElement);
  var color = function (name) { return css.getPropertyValue(name).trim(); };
  var KiB = 1024, MiB = KiB * KiB, GiB = MiB * KiB;

  // The same figures as src/format.ts, so a graph reads like the card beside it.
  var FORMAT = {
    percent: function (v) { return v.toFixed(1) + '%'; },
    bytes: function (v) {
      if (v < MiB) return Math.round(v / KiB) + ' KB';
      if (v < GiB) return +(v / MiB).toFixed(1) + ' MB';
      return +(v / GiB).toFixed(2) + ' GB';
    },
    ms: function (v) { return v < 10 ? v.toFixed(1) + ' ms' : Math.round(v) + ' ms'; },
  };
  var TICK = {
    percent: function (v) { return +v.toFixed(2) + '%'; },
    bytes: function (v) { return v === 0 ? '0' : FORMAT.bytes(v); },
    ms: function (v) { return +v.toPrecision(3) + ' ms'; },
  };
  // Byte ticks step by powers of two, so they meet the unit: 256 MB, 512 MB, 768 MB, 1 GB (not 47.7 MB).
  var BYTE_STEPS = [];
  [1, KiB, MiB, GiB].forEach(function (unit) {
    [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].forEach(function (n) { BYTE_STEPS.push(n * unit); });
  });
  var time = window.orchTime;
  var clock = function (t, seconds) {
    var d = new Date(t);
    var hm = String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
    return seconds ? hm + ':' + String(d.getSeconds()).padStart(2, '0') : hm;
  };

  var create = function (figure) {
    var unit = figure.dataset.unit;
    var hasLimit = figure.dataset.limit !== undefined;
    var show = function (u, v) { return v == null ? '–' : FORMAT[unit](v); };
    var series = [
      { value: function (u, t) { return t == null ? '–' : time.short(new Date(t)); } },
      { label: figure.dataset.chart, stroke: color('--accent'), width: 1.5, value: show },
    ];
    // Click "limit" in the legend to hide it and see small values at full height.
    if (hasLimit) series.push({ label: 'limit', stroke: color('--bad'), dash: [6, 4], width: 1, points: { show: false }, value: show });
    var axis = { stroke: color('--muted'), grid: { stroke: color('--border'), width: 1 }, ticks: { stroke: color('--border'), width: 1 } };
    var yAxis = Object.assign({}, axis, { size: 64, values: function (u, splits) { return splits.map(TICK[unit]); } });
    if (unit === 'bytes') yAxis.incrs = BYTE_STEPS;
    var plot = figure.querySelector('.plot');
    return new window.uPlot({
      width: Math.max(200, plot.clientWidth),
      height: HEIGHT,
      ms: 1, // the API's times are milliseconds since the epoch
      legend: { live: true },
      scales: {
        x: { time: true },
        y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.15 : 1]; } },
      },
      series: series,
      axes: [
        Object.assign({}, axis, { values: function (u, splits, i, space, incr) { return splits.map(function (t) { return clock(t, incr < 60000); }); } }),
        yAxis,
      ],
    }, [[], []].concat(hasLimit ? [[]] : []), plot);
  };

  var draw = function (history) {
    box.querySelectorAll('figure[data-series]').forEach(function (figure) {
      var plot = figure.plot || (figure.plot = create(figure));
      var values = history[figure.dataset.series];
      var data = [history.at, values];
      if (figure.dataset.limit !== undefined) {
        var limit = Number(figure.dataset.limit);
        data.push(history.at.map(function () { return limit; }));
      }
      plot.setData(data);
      var shown = values.filter(function (v) { return v != null; });
      var format = FORMAT[figure.dataset.unit];
      figure.querySelector('[data-chart-last]').textContent = shown.length < 2
        ? 'not enough samples yet'
        : format(shown[shown.length - 1]) + ' (max ' + format(Math.max.apply(null, shown)) + ')';
      figure.dataset.points = String(history.at.length);
    });
  };

  var refresh = function () {
    fetch(box.dataset.source, { headers: { accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body) draw(body.server.history); })
      .catch(function () { /* the next refresh tries again */ });
  };
  refresh();
  document.body.addEventListener('htmx:afterSettle', function (event) {
    if (event.target.contains(box)) refresh();
  });
  new ResizeObserver(function () {
    box.querySelectorAll('figure[data-series]').forEach(function (figure) {
      if (figure.plot) figure.plot.setSize({ width: Math.max(200, figure.querySelector('.plot').clientWidth), height: HEIGHT });
    });
  }).observe(box);
})();
