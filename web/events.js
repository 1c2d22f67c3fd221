// Events shown for people: what a scan changed (before → after), a domain turning bad or
// recovering, a certificate or registration near its end. Used by the domain page's
// timeline and the events page.
import { h, when, badReasonText } from './dom.js';

const TITLES = {
  'domain.changed': 'Changed',
  'domain.bad': 'Marked bad',
  'domain.recovered': 'Recovered',
  'certificate.expiring': 'Certificate expiring',
  'registration.expiring': 'Registration expiring',
};
export const EVENT_TYPES = Object.keys(TITLES);

// A value of a change, short: lists joined, objects as JSON, nothing as '—'.
function show(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(show).join(', ') : 'none';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function changedDetails(data) {
  const rows = [];
  if (data.grade && data.grade.before !== data.grade.after) {
    rows.push(h('li', {}, h('strong', {}, 'grade'), `: ${show(data.grade.before)} → ${show(data.grade.after)}`));
  }
  if (data.score && data.score.before !== data.score.after) {
    rows.push(h('li', {}, h('strong', {}, 'score'), `: ${show(data.score.before)} → ${show(data.score.after)}`));
  }
  for (const c of data.changes || []) {
    rows.push(h('li', {}, h('strong', {}, `${c.check}.${c.field}`), `: ${show(c.before)} → ${show(c.after)}`));
  }
  for (const f of data.new_findings || []) rows.push(h('li', {}, 'new finding ', h('code', {}, f.id), ` (${f.severity})`));
  for (const f of data.resolved_findings || []) rows.push(h('li', {}, 'resolved ', h('code', {}, f.id)));
  return rows.length ? h('ul', { class: 'plain changes' }, rows) : null;
}

function details(e) {
  const d = e.data || {};
  switch (e.type) {
    case 'domain.changed':
      return changedDetails(d);
    case 'domain.bad':
      return h('p', {}, d.bad_reason ? `${d.bad_reason}: ${badReasonText(d.bad_reason)}` : '');
    case 'certificate.expiring':
      return h('p', {}, `ends ${when(d.not_after)}: ${d.days_left} days left (threshold ${d.threshold} days)`);
    case 'registration.expiring':
      return h('p', {}, `ends ${when(d.expires)}: ${d.days_left} days left (threshold ${d.threshold} days)`);
    default:
      return null;
  }
}

// withDomain: the events page names each event's domain; the domain page does not need to.
export function eventList(items, withDomain) {
  if (!items.length) return h('p', { class: 'muted' }, 'No events yet: a scan that changes something, or a date coming near, adds one.');
  return h('ol', { class: 'events' }, items.map((e) => h('li', { class: `event event-${e.type.replace('.', '-')}`, 'data-event': e.id },
    h('div', { class: 'event-head' },
      h('span', { class: 'event-type' }, TITLES[e.type] || e.type), ' ',
      withDomain ? [h('a', { href: `#/domains/${encodeURIComponent(e.domain)}` }, e.domain), ' '] : null,
      h('span', { class: 'muted' }, when(e.created_at)),
      e.scan_id ? [' · ', h('a', { href: `#/scans/${e.scan_id}` }, `scan #${e.scan_id}`)] : null),
    details(e))));
}
