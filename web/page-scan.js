// One scan in full, with a link to its raw JSON.
import { api } from './api.js';
import { h, replace, when, badge, gradeBadge, errorBox } from './dom.js';
import { poller, moving } from './poll.js';
import { checkSections, findingsList } from './checks.js';

export function renderScan(main, id) {
  const poll = poller(async () => load(), 1500);
  const body = h('div');
  replace(main, h('h1', {}, `Scan #${id}`), body);

  async function load() {
    let s;
    try {
      s = await api.scan(id);
    } catch (e) {
      replace(body, errorBox(e.status === 404 ? `There is no scan #${id}.` : e.message));
      return e.status !== 404;
    }
    replace(body,
      h('p', {}, h('a', { href: `#/domains/${encodeURIComponent(s.domain)}` }, `← ${s.domain}`), ' · ',
        h('a', { href: `/api/v1/scans/${s.id}`, id: 'raw-json' }, 'Raw JSON')),
      h('section', { class: 'card summary' },
        h('div', { class: 'summary-row' }, gradeBadge(s.grade, s.grade_reason),
          h('dl', { class: 'kv' },
            s.grade_reason ? [h('dt', {}, 'No grade'), h('dd', { id: 'grade-reason' }, s.grade_reason)] : null,
            h('dt', {}, 'Status'), h('dd', {}, badge(s.status)),
            h('dt', {}, 'Score'), h('dd', {}, s.score ?? '—'),
            h('dt', {}, 'Trigger'), h('dd', {}, s.trigger),
            h('dt', {}, 'Queued'), h('dd', {}, when(s.queued_at)),
            h('dt', {}, 'Started'), h('dd', {}, when(s.started_at)),
            h('dt', {}, 'Finished'), h('dd', {}, when(s.finished_at)),
            s.error ? [h('dt', {}, 'Error'), h('dd', {}, s.error)] : null))),
      moving(s) ? h('p', { class: 'muted', role: 'status' }, `This scan is ${s.status}; the page updates when it finishes.`) : null,
      s.checks ? [h('section', { class: 'card' }, h('h2', {}, 'Findings'), findingsList(s.findings)),
                  h('h2', {}, 'Checks'), checkSections(s.checks)] : null);
    return moving(s);
  }

  load().then((again) => { if (again) poll.start(); });
  return () => poll.stop();
}
