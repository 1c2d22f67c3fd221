// Webhooks: the subscriptions (add one, its secret shown once with a copy button; remove
// one) and each one's recent deliveries: status, attempts, the receiver's last answer.
import { api } from './api.js';
import { h, replace, when, badge, errorBox } from './dom.js';
import { EVENT_TYPES } from './events.js';

export function renderWebhooks(main) {
  const list = h('div', { 'aria-live': 'polite' });
  const created = h('div');
  const message = h('div');
  const url = h('input', { id: 'webhook-url', type: 'url', required: true, autocomplete: 'off',
    placeholder: 'https://hooks.example.net/domainscan' });
  const all = h('input', { id: 'webhook-all', type: 'checkbox', checked: true, onchange: () => {
    for (const box of typeBoxes) box.disabled = all.checked;
  } });
  const typeBoxes = EVENT_TYPES.map((t) => h('input', { type: 'checkbox', id: `webhook-type-${t}`, value: t, disabled: true }));
  const domains = h('input', { id: 'webhook-domains', autocomplete: 'off', placeholder: 'example.com, example.org',
    'aria-describedby': 'webhook-domains-help' });

  const form = h('form', { class: 'card', onsubmit: add },
    h('h2', {}, 'Add a webhook'),
    h('div', { class: 'field' }, h('label', { for: 'webhook-url' }, 'Receiver URL'), url),
    h('fieldset', { class: 'types' }, h('legend', {}, 'Events'),
      h('label', { class: 'check' }, all, ' all events'),
      EVENT_TYPES.map((t, i) => h('label', { class: 'check' }, typeBoxes[i], ` ${t}`))),
    h('div', { class: 'field' }, h('label', { for: 'webhook-domains' }, 'Only these domains (optional)'), domains),
    h('p', { id: 'webhook-domains-help', class: 'muted' }, 'Separated by commas or spaces; empty: every domain.'),
    h('button', { type: 'submit' }, 'Add webhook'), message);

  replace(main, h('h1', {}, 'Webhooks'),
    h('p', { class: 'muted' }, 'Each event is POSTed to every webhook that wants it, signed as Standard Webhooks says, and retried for a day until the receiver answers 2xx.'),
    form, created, list);

  async function add(event) {
    event.preventDefault();
    replace(message);
    const events = all.checked ? ['*'] : typeBoxes.filter((b) => b.checked).map((b) => b.value);
    const names = domains.value.split(/[\s,]+/).filter(Boolean);
    try {
      const w = await api.addWebhook({ url: url.value.trim(), events, domains: names });
      url.value = '';
      domains.value = '';
      showSecret(w);
      await load();
    } catch (e) {
      replace(message, errorBox(e.message));
    }
  }

  // The secret exists in the API's answer to the POST only: shown now, or never again.
  function showSecret(w) {
    const secret = h('input', { id: 'webhook-secret', readonly: true, value: w.secret, size: 60,
      'aria-describedby': 'webhook-secret-help' });
    const copied = h('span', { role: 'status', class: 'ok' });
    const copy = async () => {
      secret.select();
      try {
        await navigator.clipboard.writeText(w.secret);
        replace(copied, ' Copied.');
      } catch {
        replace(copied, ' Selected: press Ctrl+C to copy.');
      }
    };
    replace(created, h('section', { class: 'card secret', 'aria-labelledby': 'secret-title' },
      h('h2', { id: 'secret-title' }, `Webhook ${w.id} added`),
      h('p', { id: 'webhook-secret-help' }, 'Its signing secret is shown this once. Give it to the receiver, which verifies each delivery with it.'),
      h('div', { class: 'buttons' }, h('label', { for: 'webhook-secret', class: 'sr-only' }, 'Signing secret'), secret,
        h('button', { type: 'button', onclick: copy }, 'Copy secret'), copied)));
  }

  async function remove(w) {
    if (!window.confirm(`Remove the webhook to ${w.url}? Its deliveries go with it.`)) return;
    try {
      await api.removeWebhook(w.id);
      await load();
    } catch (e) {
      replace(list, errorBox(e.message));
    }
  }

  function deliveryTable(items) {
    if (!items.length) return h('p', { class: 'muted' }, 'No deliveries yet.');
    return h('div', { class: 'scroll' }, h('table', { class: 'deliveries' },
      h('thead', {}, h('tr', {}, ['Event', 'Status', 'Attempts', 'Last answer', 'Next attempt'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((d) => h('tr', {},
        h('td', {}, h('code', {}, d.event_id), ` ${d.event_type}`),
        h('td', {}, badge(d.status)),
        h('td', {}, d.attempts),
        h('td', {}, d.last_status_code ?? '', d.last_error ? h('span', { class: 'muted' }, ` ${d.last_error}`) : null),
        h('td', {}, d.status === 'pending' ? when(d.next_attempt_at) : '—'))))));
  }

  async function load() {
    let page;
    try {
      page = await api.webhooks();
    } catch (e) {
      replace(list, errorBox(e.message));
      return;
    }
    if (!page.items.length) {
      replace(list, h('p', { class: 'muted' }, 'No webhooks yet.'));
      return;
    }
    const deliveries = await Promise.all(page.items.map((w) => api.deliveries(w.id).catch(() => ({ items: [] }))));
    replace(list, page.items.map((w, i) => h('section', { class: 'card webhook', 'data-webhook': w.id, 'aria-label': `Webhook ${w.id}` },
      h('h2', {}, h('code', {}, w.url)),
      h('dl', { class: 'kv' },
        h('dt', {}, 'Id'), h('dd', {}, w.id),
        h('dt', {}, 'Events'), h('dd', {}, w.events.join(', ')),
        h('dt', {}, 'Domains'), h('dd', {}, w.domains.length ? w.domains.join(', ') : 'all'),
        h('dt', {}, 'Added'), h('dd', {}, when(w.created_at)),
        h('dt', {}, 'State'), h('dd', {}, w.disabled_at
          ? h('span', { class: 'error' }, `disabled ${when(w.disabled_at)}: ${w.disabled_reason}`) : 'active')),
      h('h3', {}, 'Recent deliveries'), deliveryTable(deliveries[i].items),
      h('button', { type: 'button', class: 'secondary', onclick: () => remove(w) }, 'Remove webhook'))));
  }

  load();
  return () => {};
}
