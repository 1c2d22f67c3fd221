// Recent events across every domain, newest first, filtered by type, a page at a time.
import { api } from './api.js';
import { h, replace, errorBox } from './dom.js';
import { eventList, EVENT_TYPES } from './events.js';

export function renderEvents(main, type) {
  const list = h('div', { 'aria-live': 'polite' });
  const more = h('div');
  const filter = h('select', { id: 'event-type-filter', onchange: (e) => {
    location.hash = e.target.value ? `#/events?type=${e.target.value}` : '#/events';
  } }, ['', ...EVENT_TYPES].map((t) => h('option', { value: t, selected: t === type }, t || 'all')));
  replace(main, h('h1', {}, 'Events'),
    h('p', { class: 'muted' }, 'What scans found changed, and what is about to expire. Webhooks deliver the same events.'),
    h('div', { class: 'toolbar' }, h('label', { for: 'event-type-filter' }, 'Type'), filter), list, more);

  const shown = [];
  async function load(cursor) {
    try {
      const page = await api.events({ type, cursor });
      shown.push(...page.items);
      replace(list, eventList(shown, true));
      replace(more, page.next_cursor
        ? h('button', { type: 'button', class: 'secondary-plain', onclick: () => load(page.next_cursor) }, 'Older events')
        : null);
    } catch (e) {
      replace(list, errorBox(e.message));
    }
  }
  load();
  return () => {};
}
