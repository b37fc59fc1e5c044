/**
 * The report page's script, inlined into `integration-report.html`. It reads the report
 * from the page's `<script type="application/json" id="report-data">` and renders it with
 * DOM calls only (never `innerHTML`, so no recorded value is ever read as markup). Large
 * runs stay fast: file groups are paginated and collapsed, and a group renders its rows
 * only when opened.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var GROUPS_PER_PAGE = 40;
  var ROWS_PER_GROUP = 100;
  var LANES_SHOWN = 8;
  var LANE_HEIGHT = 19;
  var TABLE_PAGE = 100;

  // ---- building blocks ------------------------------------------------------------------
  function h(tag, props) {
    var element = document.createElement(tag);
    applyProps(element, props);
    appendChildren(element, Array.prototype.slice.call(arguments, 2));
    return element;
  }
  function svg(tag, attributes) {
    var element = document.createElementNS('http://www.w3.org/2000/svg', tag);
    applyProps(element, attributes);
    appendChildren(element, Array.prototype.slice.call(arguments, 2));
    return element;
  }
  function applyProps(element, props) {
    if (!props) return;
    Object.keys(props).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'text') element.textContent = String(value);
      else if (key.slice(0, 2) === 'on') element.addEventListener(key.slice(2), value);
      else element.setAttribute(key === 'className' ? 'class' : key, value === true ? '' : String(value));
    });
  }
  function appendChildren(element, children) {
    children.forEach(function append(child) {
      if (child === null || child === undefined || child === false) return;
      if (Array.isArray(child)) { child.forEach(append); return; }
      element.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    });
  }
  function plural(count, noun) { return count + ' ' + noun + (count === 1 ? '' : 's'); }
  function ms(value) {
    if (!isFinite(value)) return '?';
    if (value < 1) return value.toFixed(2) + ' ms';
    if (value < 1000) return Math.round(value) + ' ms';
    return (value / 1000).toFixed(value < 10000 ? 2 : 1) + ' s';
  }
  function preview(value) {
    if (value === null || value === undefined) return 'undefined';
    var text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
    if (text === undefined) text = String(value);
    return text.length > 80 ? text.slice(0, 77) + '...' : text;
  }
  function metadataOf(record) { return record && typeof record.metadata === 'object' && record.metadata ? record.metadata : {}; }
  function creationSite(record) {
    var site = metadataOf(record).creation_site;
    return typeof site === 'string' ? site : null;
  }
  function creationStack(record) {
    var metadata = metadataOf(record);
    var stack = metadata.creation_stack !== undefined ? metadata.creation_stack : metadata.stack;
    if (typeof stack === 'string') return stack;
    if (stack && typeof stack.stack === 'string') return stack.stack;
    return null;
  }
  function scopeLabel(row) {
    return row.scope.kind === 'file' ? 'top level of the file' : row.scope.name;
  }

  // ---- model ----------------------------------------------------------------------------
  var groups = report.files.map(function (file, fileIndex) {
    var rows = file.scopes.map(function (scope, scopeIndex) {
      var lastById = new Map();
      scope.resources.forEach(function (record) { lastById.set(record.resource_id, record); });
      var leaked = new Set();
      scope.leaked_resource_ids.forEach(function (id) { if (lastById.has(id)) leaked.add(lastById.get(id)); });
      var words = [file.path, scope.name, scope.kind];
      scope.resources.forEach(function (record) { words.push(record.owner_module, record.resource_type, record.resource_id); });
      scope.errors.forEach(function (context) { words.push(context.source_module, context.target_module, context.error_type); });
      scope.config_changes.forEach(function (change) { words.push(change.config_path); });
      return { key: fileIndex + ':' + scopeIndex, file: file, scope: scope, leaked: leaked, text: words.join(' ').toLowerCase() };
    });
    var count = function (pick) { return rows.reduce(function (total, row) { return total + pick(row); }, 0); };
    return {
      index: fileIndex, file: file, rows: rows,
      leaks: count(function (row) { return row.leaked.size; }),
      errors: count(function (row) { return row.scope.errors.length; }),
      changes: count(function (row) { return row.scope.config_changes.length; }),
      resources: count(function (row) { return row.scope.resources.length; }),
      tests: rows.filter(function (row) { return row.scope.kind === 'test'; }).length
    };
  });
  var allRows = [];
  groups.forEach(function (group) { allRows.push.apply(allRows, group.rows); });
  var summary = report.summary;

  var state = {
    tab: 'timeline', query: '', show: summary.leaked_resources > 0 ? 'leaks' : 'all', page: 0,
    open: new Set(), lanesOpen: new Set(), rowsOpen: new Set(),
    edge: null, errorPage: 0, configQuery: '', configPath: null, configPage: 0
  };
  groups.filter(function (group) { return group.leaks > 0; }).slice(0, 6).forEach(function (group) { state.open.add(group.index); });

  // ---- tooltip and details drawer -------------------------------------------------------
  var tooltip = h('div', { id: 'tooltip', role: 'tooltip' });
  var drawerTitle = h('h2');
  var drawerBody = h('div', { className: 'body' });
  var drawer = h('aside', { id: 'drawer', 'aria-label': 'Details' },
    h('header', null, drawerTitle, h('button', { type: 'button', onclick: closeDrawer, text: 'Close' })),
    drawerBody);
  document.addEventListener('keydown', function (event) { if (event.key === 'Escape') closeDrawer(); });
  function closeDrawer() { drawer.setAttribute('data-open', 'false'); }
  function openDrawer(title, content) {
    drawerTitle.textContent = title;
    drawerBody.replaceChildren.apply(drawerBody, content);
    drawer.setAttribute('data-open', 'true');
  }
  function showTooltip(event, lines) {
    tooltip.replaceChildren.apply(tooltip, lines);
    tooltip.style.display = 'block';
    moveTooltip(event);
  }
  function moveTooltip(event) {
    var width = tooltip.offsetWidth, height = tooltip.offsetHeight;
    var x = Math.min(event.clientX + 14, window.innerWidth - width - 8);
    var y = event.clientY + 16 + height > window.innerHeight ? event.clientY - height - 12 : event.clientY + 16;
    tooltip.style.left = Math.max(8, x) + 'px';
    tooltip.style.top = Math.max(8, y) + 'px';
  }
  function hideTooltip() { tooltip.style.display = 'none'; }
  function definitions(pairs) {
    return h('dl', null, pairs.filter(function (pair) { return pair[1] !== null && pair[1] !== undefined; }).map(function (pair) {
      return [h('dt', { text: pair[0] }), h('dd', null, pair[1])];
    }));
  }

  // ---- page frame -----------------------------------------------------------------------
  var app = document.getElementById('app');
  var content = h('main');
  var tabs = h('nav', { className: 'tabs', role: 'tablist' });
  var run = report.run;
  var when = new Date(report.generated_at);
  var origin = run.merged_from.length > 0
    ? 'merged from ' + plural(run.merged_from.length, 'report') + ' (' + run.merged_from.map(function (source) { return source.shard || source.path; }).join(', ') + ')'
    : run.shard ? 'shard ' + run.shard : 'one run';
  var failed = summary.tests_by_status.failed || 0;
  var duration = run.started_at && run.finished_at ? ' · ' + ms(run.finished_at - run.started_at) : '';

  function card(value, label, detail, bad, onclick) {
    return h('button', { type: 'button', className: 'card' + (bad ? ' bad' : ''), onclick: onclick },
      h('div', { className: 'value', text: value }), h('div', { className: 'label', text: label }),
      h('div', { className: 'detail', text: detail }));
  }
  var worst = summary.leaks_by_module[0];
  app.replaceChildren(h('div', { className: 'page' },
    h('header', { className: 'top' },
      h('h1', { text: 'Integration report' }),
      h('span', { className: 'meta', text: plural(summary.tests, 'test') + ' in ' + plural(summary.files, 'file') + ' · ' + origin + duration + ' · ' + when.toLocaleString() })),
    h('section', { className: 'cards', 'aria-label': 'Summary' },
      card(summary.leaked_resources, 'leaked resources',
        summary.leaked_resources === 0 ? 'every scope released what it opened' : 'in ' + plural(summary.scopes_with_leaks, 'scope') + (worst ? ' · most in ' + worst.module : ''),
        summary.leaked_resources > 0, function () { setState({ tab: summary.leaked_resources > 0 ? 'leaks' : 'timeline' }); }),
      card(summary.tests, 'tests', (summary.tests_by_status.passed || 0) + ' passed · ' + failed + ' failed', failed > 0,
        function () { setState({ tab: 'timeline', show: failed > 0 ? 'failed' : 'all', page: 0 }); }),
      card(summary.errors, 'cross-module errors', plural(summary.errors_by_module.length, 'module pair'), false,
        function () { setState({ tab: 'errors' }); }),
      card(summary.config_changes, 'config changes', plural(summary.config_paths_changed.length, 'path') + ' changed', false,
        function () { setState({ tab: 'config' }); })),
    tabs, content, tooltip, drawer));

  var TABS = [
    ['timeline', 'Resources', summary.resources, false],
    ['leaks', 'Leaks by module', summary.leaked_resources, summary.leaked_resources > 0],
    ['errors', 'Error propagation', summary.errors, false],
    ['config', 'Config changes', summary.config_changes, false]
  ];
  function renderTabs() {
    tabs.replaceChildren.apply(tabs, TABS.map(function (tab) {
      return h('button', { type: 'button', role: 'tab', 'aria-selected': String(state.tab === tab[0]), 'data-tab': tab[0],
        onclick: function () { setState({ tab: tab[0] }); } },
        tab[1], h('span', { className: 'count' + (tab[3] ? ' bad' : ''), text: tab[2] }));
    }));
  }
  function setState(change) {
    Object.keys(change).forEach(function (key) { state[key] = change[key]; });
    render();
  }
  function render() {
    hideTooltip();
    renderTabs();
    var view = { timeline: renderTimeline, leaks: renderLeaks, errors: renderErrors, config: renderConfig }[state.tab];
    content.replaceChildren(view());
  }
  function pager(page, total, perPage, go) {
    var pages = Math.max(1, Math.ceil(total / perPage));
    if (pages <= 1) return null;
    return h('div', { className: 'pager' },
      h('button', { type: 'button', disabled: page === 0, onclick: function () { go(page - 1); }, text: 'Previous' }),
      h('span', { text: 'Page ' + (page + 1) + ' of ' + pages }),
      h('button', { type: 'button', disabled: page >= pages - 1, onclick: function () { go(page + 1); }, text: 'Next' }));
  }
  function searchBox(value, placeholder, onchange) {
    var input = h('input', { type: 'search', placeholder: placeholder, value: value, 'aria-label': placeholder });
    var timer = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { onchange(input.value); }, 150);
    });
    return input;
  }
  function keepFocus(render, selector) {
    return function (value) {
      render(value);
      var input = content.querySelector(selector);
      if (input) { input.focus(); input.setSelectionRange(input.value.length, input.value.length); }
    };
  }

  // ---- resources: one timeline per test -------------------------------------------------
  var SHOW = {
    all: ['every scope', function () { return true; }],
    leaks: ['scopes that leaked', function (row) { return row.leaked.size > 0; }],
    resources: ['scopes with resources', function (row) { return row.scope.resources.length > 0; }],
    failed: ['failed tests', function (row) { return row.scope.status === 'failed'; }],
    errors: ['scopes with errors', function (row) { return row.scope.errors.length > 0; }]
  };
  function matchingRows(group) {
    var words = state.query.toLowerCase().split(/\s+/).filter(Boolean);
    var show = SHOW[state.show][1];
    return group.rows.filter(function (row) {
      // A describe block or file top level that recorded nothing is not worth a row.
      var recorded = row.scope.kind === 'test' || row.scope.resources.length + row.scope.errors.length + row.scope.config_changes.length > 0;
      return recorded && show(row) && words.every(function (word) { return row.text.indexOf(word) !== -1; });
    });
  }
  function renderTimeline() {
    var visible = groups.map(function (group) { return { group: group, rows: matchingRows(group) }; })
      .filter(function (entry) { return entry.rows.length > 0; });
    var page = Math.min(state.page, Math.max(0, Math.ceil(visible.length / GROUPS_PER_PAGE) - 1));
    var shown = visible.slice(page * GROUPS_PER_PAGE, (page + 1) * GROUPS_PER_PAGE);
    var select = h('select', { 'aria-label': 'Show', onchange: function (event) { setState({ show: event.target.value, page: 0 }); } },
      Object.keys(SHOW).map(function (key) { return h('option', { value: key, selected: state.show === key, text: 'Show ' + SHOW[key][0] }); }));
    var rowCount = visible.reduce(function (total, entry) { return total + entry.rows.length; }, 0);
    return h('section', null,
      h('div', { className: 'toolbar' },
        searchBox(state.query, 'Filter by file, test, module, resource type or id', keepFocus(function (value) { setState({ query: value, page: 0 }); }, 'input[type=search]')),
        select,
        h('button', { type: 'button', text: 'Expand page', onclick: function () { shown.forEach(function (entry) { state.open.add(entry.group.index); }); render(); } }),
        h('button', { type: 'button', text: 'Collapse all', onclick: function () { state.open.clear(); render(); } }),
        h('span', { className: 'spacer' }),
        h('span', { className: 'hint', text: plural(rowCount, 'scope') + ' in ' + plural(visible.length, 'file') })),
      h('div', { className: 'legend toolbar' },
        h('span', null, h('i', { style: 'background: var(--released)' }), 'released'),
        h('span', null, h('i', { style: 'background: var(--leak)' }), 'leaked (closed by the environment)'),
        h('span', null, h('i', { style: 'background: repeating-linear-gradient(135deg, var(--leak) 0 4px, #b82f2f 4px 6px)' }), 'leaked, still open'),
        h('span', null, h('i', { style: 'background: var(--open)' }), 'open at the end, allowed or unchecked'),
        h('span', null, h('i', { className: 'test-end-swatch' }), 'end of the test'),
        h('span', { text: 'Hover a bar for where it was created; click it for the whole record.' })),
      shown.length === 0
        ? h('div', { className: 'panel empty-state', text: state.show === 'leaks' && state.query === '' ? 'No scope leaked a resource in this run.' : 'Nothing matches this filter.' })
        : h('div', { className: 'panel' }, shown.map(function (entry) { return renderGroup(entry.group, entry.rows); })),
      pager(page, visible.length, GROUPS_PER_PAGE, function (next) { setState({ page: next }); window.scrollTo(0, 0); }));
  }
  function renderGroup(group, rows) {
    var open = state.open.has(group.index);
    var file = group.file;
    var section = h('section', { className: 'group', 'data-open': String(open), 'data-file': file.path },
      h('button', { type: 'button', className: 'group-head', 'aria-expanded': String(open),
        onclick: function () { if (open) state.open.delete(group.index); else state.open.add(group.index); render(); } },
        h('span', { className: 'chevron', text: '▶' }),
        h('span', { className: 'dot ' + file.status, title: file.status }),
        h('span', { className: 'path', text: (file.project ? '[' + file.project + '] ' : '') + file.path }),
        group.leaks > 0 ? h('span', { className: 'badge leak', text: plural(group.leaks, 'leak') }) : null,
        group.errors > 0 ? h('span', { className: 'badge err', text: plural(group.errors, 'error') }) : null,
        group.changes > 0 ? h('span', { className: 'badge', text: plural(group.changes, 'config change') }) : null,
        file.records === 'complete' ? null : h('span', { className: 'badge', title: 'The integration environment did not record this whole file.', text: 'records ' + file.records }),
        h('span', { className: 'badge', text: plural(group.tests, 'test') })));
    if (open) {
      var limit = state.rowsOpen.has(group.index) ? rows.length : ROWS_PER_GROUP;
      section.appendChild(h('div', { className: 'rows' },
        rows.slice(0, limit).map(renderRow),
        rows.length > limit ? h('button', { type: 'button', className: 'more', style: 'margin: 6px 34px', text: 'Show ' + (rows.length - limit) + ' more',
          onclick: function () { state.rowsOpen.add(group.index); render(); } }) : null));
    }
    return section;
  }
  function renderRow(row) {
    var scope = row.scope;
    var status = scope.status || (row.leaked.size > 0 && scope.leak_mode === 'fail' ? 'failed' : '');
    var details = [];
    if (scope.resources.length > 0) details.push(plural(scope.resources.length + scope.omitted_resources, 'resource'));
    if (row.leaked.size > 0) details.push(plural(row.leaked.size, 'leak'));
    if (scope.errors.length > 0) details.push(plural(scope.errors.length, 'error'));
    if (scope.config_changes.length > 0) details.push(plural(scope.config_changes.length, 'config change'));
    if (scope.duration_ms !== null) details.push(ms(scope.duration_ms));
    return h('div', { className: 'row' + (row.leaked.size > 0 ? ' leaky' : ''), 'data-scope': scope.name, 'data-kind': scope.kind },
      h('div', { className: 'name' },
        h('span', { className: 'dot ' + status, title: scope.status || scope.kind }),
        h('div', null,
          scope.kind === 'test' ? null : h('span', { className: 'badge kind', text: scope.kind === 'file' ? 'file (beforeAll/afterAll)' : 'describe (beforeAll/afterAll)', style: 'margin-right: 6px' }),
          h('span', { className: 'text', text: scopeLabel(row) }),
          h('div', { className: 'sub', text: details.join(' · ') || (scope.started_at === null ? 'not run' : 'nothing recorded') }))),
      h('div', { className: 'track-wrap' }, renderTrack(row)));
  }
  function renderTrack(row) {
    var scope = row.scope;
    var records = scope.resources;
    if (records.length === 0) {
      return h('div', { className: 'track empty', text: scope.started_at === null ? '' : 'no resources' });
    }
    var start = scope.started_at === null ? Infinity : scope.started_at;
    var end = scope.finished_at === null ? -Infinity : scope.finished_at;
    records.forEach(function (record) {
      start = Math.min(start, record.created_at);
      end = Math.max(end, record.released_at === undefined ? record.created_at : record.released_at);
    });
    var span = Math.max(end - start, 0.001);
    var ordered = records.slice().sort(function (a, b) {
      return (row.leaked.has(b) ? 1 : 0) - (row.leaked.has(a) ? 1 : 0) || a.created_at - b.created_at;
    });
    var allLanes = state.lanesOpen.has(row.key);
    var lanes = allLanes ? ordered : ordered.slice(0, LANES_SHOWN);
    var track = h('div', { className: 'track', style: 'height: ' + (lanes.length * LANE_HEIGHT + 2) + 'px' });
    if (scope.kind === 'test' && scope.duration_ms !== null && scope.started_at !== null) {
      // Jest's duration ends before the leak check: what is open past this line outlived the test.
      var ended = (scope.started_at + scope.duration_ms - start) / span * 100;
      if (ended > 0 && ended < 99) {
        track.appendChild(h('div', { className: 'test-end', style: 'left: ' + ended.toFixed(3) + '%', title: 'the test ended here; then the environment checked for leaks' }));
      }
    }
    lanes.forEach(function (record, lane) {
      var leaked = row.leaked.has(record);
      var stillOpen = record.state === 'active';
      var until = stillOpen ? end : record.released_at;
      var left = (record.created_at - start) / span * 100;
      var width = Math.max((until - record.created_at) / span * 100, 0.6);
      var kind = leaked ? 'leaked' + (stillOpen ? ' still-open' : '') : stillOpen ? 'open' : 'released';
      var bar = h('button', {
        type: 'button', className: 'bar ' + kind,
        style: 'left: ' + Math.min(left, 99.4).toFixed(3) + '%; width: ' + Math.min(width, 100 - Math.min(left, 99.4)).toFixed(3) + '%; top: ' + (lane * LANE_HEIGHT + 1) + 'px',
        'data-resource-id': record.resource_id, 'data-state': leaked ? 'leaked' : record.state,
        'aria-label': record.resource_type + ' ' + record.resource_id + (leaked ? ', leaked' : ''),
        text: record.resource_type + ' · ' + record.resource_id
      });
      bar.addEventListener('mouseenter', function (event) { showTooltip(event, recordTooltip(record, leaked, start)); });
      bar.addEventListener('mousemove', moveTooltip);
      bar.addEventListener('mouseleave', hideTooltip);
      bar.addEventListener('focus', function () {
        var box = bar.getBoundingClientRect();
        showTooltip({ clientX: box.left, clientY: box.bottom }, recordTooltip(record, leaked, start));
      });
      bar.addEventListener('blur', hideTooltip);
      bar.addEventListener('click', function () { showRecord(row, record, leaked); });
      track.appendChild(bar);
    });
    return [track,
      h('div', { className: 'axis' }, h('span', { text: '0' }), h('span', { text: ms(span / 2) }), h('span', { text: ms(span) })),
      ordered.length > LANES_SHOWN ? h('button', { type: 'button', className: 'more',
        text: allLanes ? 'Show fewer' : 'Show all ' + ordered.length + (scope.omitted_resources ? ' (+' + scope.omitted_resources + ' released, not kept)' : ''),
        onclick: function () { if (allLanes) state.lanesOpen.delete(row.key); else state.lanesOpen.add(row.key); render(); } }) : null];
  }
  function recordTooltip(record, leaked, start) {
    var lines = [h('div', { className: 'title', text: record.resource_type + ' · ' + record.resource_id }),
      h('div', { text: 'owned by ' + record.owner_module })];
    var created = record.created_at - start;
    if (record.state === 'released') {
      lines.push(h('div', { text: 'open from +' + ms(created) + ' to +' + ms(record.released_at - start) + ' (' + ms(record.released_at - record.created_at) + ')' }));
    } else {
      lines.push(h('div', { text: 'opened at +' + ms(created) + ', never released' }));
    }
    if (leaked) {
      lines.push(h('div', { className: 'leak', text: record.state === 'released' ? 'LEAKED: still open when the test ended; closed by the environment' : 'LEAKED: still open when the test ended' }));
    }
    var site = creationSite(record);
    lines.push(h('div', { className: 'site', text: site ? 'created at ' + site : 'creation site not recorded' }));
    return lines;
  }
  function showRecord(row, record, leaked) {
    var metadata = Object.assign({}, metadataOf(record));
    var stack = creationStack(record);
    delete metadata.creation_stack;
    openDrawer(record.resource_type + ' ' + record.resource_id, [
      definitions([
        ['state', leaked ? (record.state === 'active' ? 'leaked, still open' : 'leaked, closed by the environment') : record.state],
        ['owner module', record.owner_module],
        ['test', row.file.path + ' › ' + scopeLabel(row)],
        ['created at', new Date(record.created_at).toISOString()],
        ['released at', record.released_at === undefined ? null : new Date(record.released_at).toISOString()],
        ['open for', record.released_at === undefined ? null : ms(record.released_at - record.created_at)],
        ['creation site', creationSite(record) ? h('code', { text: creationSite(record) }) : 'not recorded']
      ]),
      stack ? h('div', { className: 'section-title', text: 'Creation stack' }) : null,
      stack ? h('pre', { text: stack }) : null,
      h('div', { className: 'section-title', text: 'Metadata' }),
      h('pre', { text: JSON.stringify(metadata, null, 2) })
    ]);
  }

  // ---- leaks by module ------------------------------------------------------------------
  function goToScope(reference) {
    var group = groups.find(function (candidate) { return candidate.file.path === reference.file; });
    if (group) state.open.add(group.index);
    setState({ tab: 'timeline', query: reference.kind === 'file' ? reference.file : reference.name, show: 'all', page: 0 });
  }
  function renderLeaks() {
    if (summary.leaks_by_module.length === 0) {
      return h('div', { className: 'panel empty-state', text: 'No leaked resources: every test, describe block and file released what it opened.' });
    }
    var most = summary.leaks_by_module[0].count;
    return h('section', null,
      h('div', { className: 'panel' }, h('table', null,
        h('thead', null, h('tr', null, ['Module', 'Leaks', '', 'By type', 'Scopes', 'Worst offenders'].map(function (title) { return h('th', { text: title }); }))),
        h('tbody', null, summary.leaks_by_module.map(function (entry) {
          return h('tr', { 'data-module': entry.module },
            h('td', null, h('code', { text: entry.module })),
            h('td', { className: 'num', text: entry.count }),
            h('td', { style: 'width: 120px' }, h('div', { className: 'meter', style: 'width: ' + Math.max(4, entry.count / most * 100) + '%' })),
            h('td', null, Object.keys(entry.by_type).map(function (type) { return h('span', { className: 'badge', style: 'margin: 0 4px 2px 0', text: type + ' ' + entry.by_type[type] }); })),
            h('td', { className: 'num', text: entry.scopes }),
            h('td', null, entry.worst.map(function (reference) {
              return h('div', null, h('button', { type: 'button', className: 'link', onclick: function () { goToScope(reference); },
                text: reference.file + (reference.kind === 'file' ? '' : ' › ' + reference.name) }), h('span', { className: 'sub', text: ' (' + reference.count + ')' }));
            })));
        })))),
      h('div', { className: 'section-title', text: 'By resource type' }),
      h('div', { className: 'chips' }, summary.leaks_by_type.map(function (entry) {
        return h('button', { type: 'button', className: 'chip', text: entry.type + ' · ' + entry.count,
          onclick: function () { setState({ tab: 'timeline', query: entry.type, show: 'leaks', page: 0 }); } });
      })));
  }

  // ---- error propagation ----------------------------------------------------------------
  var TOP = 50;
  var BACK_EDGE_DEPTH = 90;
  function graphLayout(edges) {
    var modules = [];
    edges.forEach(function (edge) {
      [edge.source_module, edge.target_module].forEach(function (module) { if (modules.indexOf(module) === -1) modules.push(module); });
    });
    var rank = {};
    modules.forEach(function (module) { rank[module] = 0; });
    // Longest path from the sources, bounded so that a cycle cannot push ranks forever.
    for (var pass = 0; pass < modules.length; pass += 1) {
      var changed = false;
      edges.forEach(function (edge) {
        if (edge.source_module === edge.target_module) return;
        var next = rank[edge.source_module] + 1;
        if (next > rank[edge.target_module] && next < modules.length) { rank[edge.target_module] = next; changed = true; }
      });
      if (!changed) break;
    }
    var columns = [];
    modules.forEach(function (module) { (columns[rank[module]] = columns[rank[module]] || []).push(module); });
    columns = columns.filter(Boolean);
    var width = 190, gapX = 120, height = 46, gapY = 30;
    var positions = {};
    var tallest = Math.max.apply(null, columns.map(function (column) { return column.length; }));
    columns.forEach(function (column, x) {
      // Each module sits near the modules that send it errors, so that arrows cross less.
      var order = {};
      column.forEach(function (module) {
        var senders = edges.filter(function (edge) { return edge.target_module === module && positions[edge.source_module]; });
        order[module] = senders.length === 0 ? Infinity
          : senders.reduce(function (total, edge) { return total + positions[edge.source_module].y; }, 0) / senders.length;
      });
      column.sort(function (a, b) { return order[a] - order[b] || (a < b ? -1 : a > b ? 1 : 0); });
      var offset = (tallest - column.length) * (height + gapY) / 2;
      column.forEach(function (module, y) {
        positions[module] = { x: 30 + x * (width + gapX), y: TOP + offset + y * (height + gapY), width: width, height: height, rank: x };
      });
    });
    var bottom = TOP + tallest * height + (tallest - 1) * gapY;
    // Room below for arrows that go back, or across several columns, under the modules.
    var below = edges.some(function (edge) {
      var from = positions[edge.source_module], to = positions[edge.target_module];
      return from !== to && to.rank !== from.rank + 1;
    }) ? BACK_EDGE_DEPTH + 30 : 30;
    return { positions: positions, width: 60 + columns.length * width + (columns.length - 1) * gapX, height: bottom + below, bottom: bottom };
  }
  function renderGraph(edges) {
    var layout = graphLayout(edges);
    var most = Math.max.apply(null, edges.map(function (edge) { return edge.count; }));
    // Drawn at its natural size, and scaled down to the panel's width when wider.
    var root = svg('svg', { width: layout.width, height: layout.height, viewBox: '0 0 ' + layout.width + ' ' + layout.height,
      style: 'max-width: 100%; height: auto', role: 'img', 'aria-label': 'Modules that errors crossed, source to target' },
      svg('defs', null, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '9', markerHeight: '9', markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: 'var(--leak)' }))));
    var nodeElements = {};
    var edgeElements = [];
    edges.forEach(function (edge) {
      var from = layout.positions[edge.source_module], to = layout.positions[edge.target_module];
      var path, labelX, labelY;
      if (from === to) {
        var x = from.x + from.width - 30, y = from.y;
        path = 'M ' + x + ' ' + y + ' C ' + (x + 10) + ' ' + (y - 45) + ', ' + (x + 55) + ' ' + (y - 25) + ', ' + (from.x + from.width) + ' ' + (y + 12);
        labelX = x + 34; labelY = y - 30;
      } else if (to.rank === from.rank + 1) {
        var x1 = from.x + from.width, y1 = from.y + from.height / 2, x2 = to.x - 2, y2 = to.y + to.height / 2;
        var bend = (x2 - x1) / 2;
        path = 'M ' + x1 + ' ' + y1 + ' C ' + (x1 + bend) + ' ' + y1 + ', ' + (x2 - bend) + ' ' + y2 + ', ' + x2 + ' ' + y2;
        labelX = (x1 + x2) / 2; labelY = (y1 + y2) / 2;
      } else if (to.rank > from.rank) {
        // Across several columns: under the modules in between, not through them.
        var ax = from.x + from.width, ay = from.y + from.height / 2, bx = to.x - 2, by = to.y + to.height / 2;
        var below = layout.bottom + 12, middle = (ax + bx) / 2;
        path = 'M ' + ax + ' ' + ay + ' C ' + (ax + 60) + ' ' + ay + ', ' + (middle - 120) + ' ' + below + ', ' + middle + ' ' + below +
          ' S ' + (bx - 60) + ' ' + by + ', ' + bx + ' ' + by;
        labelX = middle; labelY = below;
      } else {
        // Back or sideways edges arc below the nodes, so they never hide forward ones.
        var sx = from.x + from.width / 2, sy = from.y + from.height, tx = to.x + to.width / 2, ty = to.y + to.height + 2;
        var depth = Math.min(40 + Math.abs(sx - tx) / 6, BACK_EDGE_DEPTH);
        path = 'M ' + sx + ' ' + sy + ' C ' + sx + ' ' + (sy + depth) + ', ' + tx + ' ' + (ty + depth) + ', ' + tx + ' ' + ty;
        labelX = (sx + tx) / 2; labelY = Math.max(sy, ty) + depth * 0.75;
      }
      var strokeWidth = 1.5 + 4 * Math.log(1 + edge.count) / Math.log(1 + most);
      var label = String(edge.count);
      var group = svg('g', { className: 'edge' + (state.edge === edge ? ' selected' : ''), tabindex: '0', role: 'button',
        'data-edge': edge.source_module + ' -> ' + edge.target_module,
        'aria-label': edge.count + ' errors from ' + edge.source_module + ' to ' + edge.target_module },
        svg('path', { d: path, 'stroke-width': strokeWidth.toFixed(2), 'marker-end': 'url(#arrow)' }),
        svg('rect', { x: labelX - 6 - label.length * 3.5, y: labelY - 9, width: 12 + label.length * 7, height: 18, rx: '9' }),
        svg('text', { x: labelX, y: labelY + 4, 'text-anchor': 'middle', text: label }));
      group.addEventListener('click', function () { setState({ edge: state.edge === edge ? null : edge, errorPage: 0 }); });
      group.addEventListener('keydown', function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); setState({ edge: state.edge === edge ? null : edge, errorPage: 0 }); } });
      group.addEventListener('mouseenter', function (event) {
        showTooltip(event, [h('div', { className: 'title', text: edge.source_module + ' → ' + edge.target_module }),
          h('div', { text: plural(edge.count, 'error') }),
          h('div', { text: 'types: ' + Object.keys(edge.error_types).map(function (type) { return type + ' ' + edge.error_types[type]; }).join(', ') }),
          h('div', { text: 'operations: ' + Object.keys(edge.operations).map(function (operation) { return operation + ' ' + edge.operations[operation]; }).join(', ') }),
          h('div', { className: 'site', text: 'click to list them' })]);
      });
      group.addEventListener('mousemove', moveTooltip);
      group.addEventListener('mouseleave', hideTooltip);
      edgeElements.push({ edge: edge, element: group });
      root.appendChild(group);
    });
    Object.keys(layout.positions).forEach(function (module) {
      var box = layout.positions[module];
      var outgoing = edges.filter(function (edge) { return edge.source_module === module; }).reduce(function (total, edge) { return total + edge.count; }, 0);
      var incoming = edges.filter(function (edge) { return edge.target_module === module; }).reduce(function (total, edge) { return total + edge.count; }, 0);
      var name = module.length > 24 ? module.slice(0, 23) + '…' : module;
      var node = svg('g', { className: 'node', 'data-module': module },
        svg('title', { text: module }),
        svg('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: '8' }),
        svg('text', { x: box.x + 12, y: box.y + 19, text: name }),
        svg('text', { className: 'sub', x: box.x + 12, y: box.y + 35, text: 'sends ' + outgoing + ' · receives ' + incoming }));
      node.addEventListener('mouseenter', function () {
        edgeElements.forEach(function (entry) {
          var touches = entry.edge.source_module === module || entry.edge.target_module === module;
          entry.element.classList.toggle('dim', !touches);
        });
      });
      node.addEventListener('mouseleave', function () { edgeElements.forEach(function (entry) { entry.element.classList.remove('dim'); }); });
      nodeElements[module] = node;
      root.appendChild(node);
    });
    return root;
  }
  function renderErrors() {
    var edges = summary.errors_by_module;
    if (edges.length === 0) {
      return h('div', { className: 'panel empty-state', text: 'No cross-module errors were captured in this run.' });
    }
    var list = [];
    allRows.forEach(function (row) {
      row.scope.errors.forEach(function (context) {
        if (!state.edge || (context.source_module === state.edge.source_module && context.target_module === state.edge.target_module)) {
          list.push({ row: row, context: context });
        }
      });
    });
    var page = Math.min(state.errorPage, Math.max(0, Math.ceil(list.length / TABLE_PAGE) - 1));
    return h('section', { className: 'split' },
      h('div', { className: 'panel graph' }, renderGraph(edges)),
      h('div', { className: 'section-title' },
        state.edge ? 'Errors from ' + state.edge.source_module + ' to ' + state.edge.target_module : 'Every captured error',
        h('span', { className: 'hint', text: plural(list.length, 'error') + (state.edge ? '' : ' · click an arrow to keep one module pair') }),
        state.edge ? h('button', { type: 'button', className: 'link', text: 'show all', onclick: function () { setState({ edge: null }); } }) : null),
      h('div', { className: 'panel' }, h('table', null,
        h('thead', null, h('tr', null, ['From → to', 'Operation', 'Type', 'Message', 'Test'].map(function (title) { return h('th', { text: title }); }))),
        h('tbody', null, list.slice(page * TABLE_PAGE, (page + 1) * TABLE_PAGE).map(function (entry) {
          var context = entry.context;
          var message = String(context.error_message);
          return h('tr', { className: 'clickable', onclick: function () { showError(entry.row, context); } },
            h('td', null, h('code', { text: context.source_module + ' → ' + context.target_module })),
            h('td', null, h('code', { text: context.operation })),
            h('td', { text: context.error_type }),
            h('td', { text: message.length > 140 ? message.slice(0, 139) + '…' : message }),
            h('td', { className: 'sub', text: entry.row.file.path + ' › ' + scopeLabel(entry.row) }));
        })))),
      pager(page, list.length, TABLE_PAGE, function (next) { setState({ errorPage: next }); }));
  }
  function showError(row, context) {
    var data = context.context_data || {};
    var extra = Object.assign({}, data);
    delete extra.stack; delete extra.cause_chain; delete extra.call_stack;
    var original = context.original_error || {};
    openDrawer(context.error_type + ': ' + context.operation, [
      definitions([
        ['from', h('code', { text: context.source_module })],
        ['to', h('code', { text: context.target_module })],
        ['operation', context.operation],
        ['type', context.error_type],
        ['message', context.error_message],
        ['test', row.file.path + ' › ' + scopeLabel(row)],
        ['captured at', new Date(context.timestamp).toISOString()]
      ]),
      original.stack ? [h('div', { className: 'section-title', text: 'Stack' }), h('pre', { text: original.stack })] : null,
      Array.isArray(data.cause_chain) && data.cause_chain.length > 0
        ? [h('div', { className: 'section-title', text: 'Cause chain' }), h('pre', { text: JSON.stringify(data.cause_chain, null, 2) })] : null,
      Object.keys(extra).length > 0 ? [h('div', { className: 'section-title', text: 'Context' }), h('pre', { text: JSON.stringify(extra, null, 2) })] : null
    ]);
  }

  // ---- config changes -------------------------------------------------------------------
  function renderConfig() {
    if (summary.config_paths_changed.length === 0) {
      return h('div', { className: 'panel empty-state', text: 'No configuration changes were recorded in this run.' });
    }
    var words = state.configQuery.toLowerCase().split(/\s+/).filter(Boolean);
    var list = [];
    allRows.forEach(function (row) {
      row.scope.config_changes.forEach(function (change) {
        if (state.configPath !== null && change.config_path !== state.configPath) return;
        var text = (change.config_path + ' ' + change.affected_modules.join(' ') + ' ' + row.file.path + ' ' + row.scope.name).toLowerCase();
        if (words.every(function (word) { return text.indexOf(word) !== -1; })) list.push({ row: row, change: change });
      });
    });
    var page = Math.min(state.configPage, Math.max(0, Math.ceil(list.length / TABLE_PAGE) - 1));
    return h('section', null,
      h('div', { className: 'chips' }, summary.config_paths_changed.slice(0, 40).map(function (entry) {
        var pressed = state.configPath === entry.config_path;
        return h('button', { type: 'button', className: 'chip', 'aria-pressed': String(pressed), title: 'affects ' + (entry.affected_modules.join(', ') || 'no module'),
          text: entry.config_path + ' · ' + entry.changes, onclick: function () { setState({ configPath: pressed ? null : entry.config_path, configPage: 0 }); } });
      })),
      h('div', { className: 'toolbar' },
        searchBox(state.configQuery, 'Filter by path, module or test', keepFocus(function (value) { setState({ configQuery: value, configPage: 0 }); }, 'input[type=search]')),
        h('span', { className: 'spacer' }),
        h('span', { className: 'hint', text: plural(list.length, 'change') })),
      h('div', { className: 'panel' }, h('table', null,
        h('thead', null, h('tr', null, ['Path', 'Old value', 'New value', 'Affected modules', 'Test', 'At'].map(function (title) { return h('th', { text: title }); }))),
        h('tbody', null, list.slice(page * TABLE_PAGE, (page + 1) * TABLE_PAGE).map(function (entry) {
          var change = entry.change;
          var start = entry.row.scope.started_at;
          return h('tr', { 'data-config-path': change.config_path },
            h('td', null, h('code', { text: change.config_path })),
            h('td', null, h('code', { className: 'value-old', text: change.old_value === null ? '(unset)' : preview(change.old_value) })),
            h('td', null, h('code', { className: 'value-new', text: change.new_value === null ? '(unset)' : preview(change.new_value) })),
            h('td', null, change.affected_modules.map(function (module) { return h('span', { className: 'badge', style: 'margin: 0 4px 2px 0', text: module }); })),
            h('td', { className: 'sub', text: entry.row.file.path + ' › ' + scopeLabel(entry.row) }),
            h('td', { className: 'num', text: start === null ? '' : '+' + ms(change.timestamp - start) }));
        })))),
      pager(page, list.length, TABLE_PAGE, function (next) { setState({ configPage: next }); }));
  }

  var initial = location.hash.replace('#', '');
  if (['timeline', 'leaks', 'errors', 'config'].indexOf(initial) !== -1) state.tab = initial;
  render();
})();
`;
