// The domains page: every domain with its status, grade, score, last scan and next run;
// a filter by status; a form to add a domain with an optional schedule.
import { api } from './api.js';
import { h, replace, when, badge, gradeBadge, errorBox } from './dom.js';
import { poller, moving } from './poll.js';

const STATUSES = ['', 'pending', 'ok', 'bad'];

export function renderDomains(main, status) {
  const tableArea = h('div', { 'aria-live': 'polite' });
  const message = h('div');
  const poll = poller(async () => load(), 1500);

  const filter = h('select', { id: 'status-filter', onchange: (e) => {
    location.hash = e.target.value ? `#/?status=${e.target.value}` : '#/';
  } }, STATUSES.map((s) => h('option', { value: s, selected: s === status }, s || 'all')));

  const domainInput = h('input', { id: 'new-domain', name: 'domain', required: true, autocomplete: 'off',
    placeholder: 'example.com', 'aria-describedby': 'add-help' });
  const cronInput = h('input', { id: 'new-cron', name: 'cron', autocomplete: 'off', placeholder: '0 3 * * *' });
  const zoneInput = h('input', { id: 'new-timezone', name: 'timezone', autocomplete: 'off', placeholder: 'UTC' });
  const form = h('form', { class: 'card add', onsubmit: add },
    h('h2', {}, 'Add a domain'),
    h('div', { class: 'field' }, h('label', { for: 'new-domain' }, 'Domain'), domainInput),
    h('div', { class: 'field' }, h('label', { for: 'new-cron' }, 'Schedule (cron, optional)'), cronInput),
    h('div', { class: 'field' }, h('label', { for: 'new-timezone' }, 'Time zone'), zoneInput),
    h('p', { id: 'add-help', class: 'muted' }, 'A first scan starts at once. A schedule rescans it, e.g. 0 3 * * * for 03:00 every day.'),
    h('button', { type: 'submit' }, 'Add and scan'),
    message);

  replace(main,
    h('h1', {}, 'Domains'),
    form,
    h('div', { class: 'toolbar' }, h('label', { for: 'status-filter' }, 'Show'), filter),
    tableArea);

  async function add(event) {
    event.preventDefault();
    replace(message);
    const cron = cronInput.value.trim();
    const schedule = cron ? { cron, timezone: zoneInput.value.trim() || 'UTC' } : undefined;
    try {
      const added = await api.addDomain(domainInput.value.trim(), schedule);
      replace(message, h('p', { class: 'ok', role: 'status' },
        added.scan_id && added.last_scan && added.last_scan.status === 'queued'
          ? `${added.domain} added; its scan is queued.` : `${added.domain} is already watched.`));
      domainInput.value = '';
      cronInput.value = '';
      zoneInput.value = '';
      await load();
    } catch (e) {
      replace(message, errorBox(e.message));
    }
  }

  async function load() {
    let page;
    try {
      page = await api.listDomains(status);
    } catch (e) {
      replace(tableArea, errorBox(e.message));
      return true;
    }
    const items = page.items;
    if (items.length === 0) {
      replace(tableArea, h('p', { class: 'muted' }, status ? `No ${status} domains.` : 'No domains yet: add one above.'));
      return false;
    }
    replace(tableArea, h('div', { class: 'scroll' }, h('table', { class: 'domains' },
      h('caption', { class: 'sr-only' }, 'Domains'),
      h('thead', {}, h('tr', {}, ['Domain', 'Status', 'Grade', 'Score', 'Last scan', 'Next scan']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((d) => h('tr', { 'data-domain': d.domain },
        h('th', { scope: 'row' }, h('a', { href: `#/domains/${encodeURIComponent(d.domain)}` }, d.domain)),
        h('td', {}, badge(d.status), d.bad_reason ? h('span', { class: 'muted' }, ` ${d.bad_reason}`) : null),
        h('td', {}, gradeBadge(d.last_scan && d.last_scan.grade, d.last_scan && d.last_scan.grade_reason)),
        h('td', {}, d.last_scan && d.last_scan.score != null ? d.last_scan.score : '—'),
        h('td', {}, d.last_scan ? (moving(d.last_scan) ? `${d.last_scan.status}…` : when(d.last_scan.finished_at)) : '—'),
        h('td', {}, d.schedule ? when(d.schedule.next_run_at) : '—')))))));
    return items.some((d) => moving(d.last_scan)) || items.some((d) => d.schedule && !d.schedule.next_run_at);
  }

  load().then((again) => { if (again) poll.start(); });
  // A scan added from the form also starts the polling.
  form.addEventListener('submit', () => setTimeout(() => poll.start(), 0));
  return () => poll.stop();
}
