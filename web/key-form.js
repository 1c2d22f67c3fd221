// Asks for an API key when the server requires one. The key stays in this tab's
// sessionStorage (gone when the tab closes) and is sent as "Authorization: Bearer ...".
import { apiKey } from './api.js';
import { h, replace } from './dom.js';

export function renderKeyForm(container, reason, done) {
  const input = h('input', { id: 'api-key', type: 'password', required: true, autocomplete: 'off',
    spellcheck: 'false', placeholder: 'ds_...', 'aria-describedby': 'api-key-help' });
  const use = (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    apiKey.set(key);
    replace(container);
    done();
  };
  replace(container, h('form', { class: 'card key-form', onsubmit: use, 'aria-labelledby': 'key-title' },
    h('h2', { id: 'key-title' }, 'API key needed'),
    h('p', { role: 'alert', class: 'error' }, apiKey.get() ? `The key was not accepted: ${reason}` : 'This server requires an API key.'),
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API key'), input),
    h('p', { id: 'api-key-help', class: 'muted' },
      'Kept for this browser tab only, until you close it or choose "Forget API key". An operator creates keys with domainscan keys create.'),
    h('button', { type: 'submit' }, 'Use key')));
  input.focus();
}
