// The dashboard: pages on hash routes, each drawn from the REST API.
//   #/                     domains (list, filter, add)
//   #/domains/NAME         one domain: latest scan check by check, findings, events, schedule, history
//   #/scans/ID             one scan in full
//   #/events               recent events across domains
//   #/webhooks             webhooks and their deliveries
//   #/api                  the API reference (the server's OpenAPI document)
import { renderDomains } from './page-domains.js';
import { renderDomain } from './page-domain.js';
import { renderScan } from './page-scan.js';
import { renderEvents } from './page-events.js';
import { renderWebhooks } from './page-webhooks.js';
import { renderReference } from './page-reference.js';
import { renderKeyForm } from './key-form.js';
import { apiKey } from './api.js';

const main = document.getElementById('main');
let leave = null;  // the current page's cleanup (stops its polling)

// A hash typed or pasted by hand may hold a malformed %-escape, on which
// decodeURIComponent throws: the text is then taken as it is.
function decoded(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function route() {
  if (leave) leave();
  leave = null;
  const hash = location.hash || '#/';
  let m;
  if ((m = hash.match(/^#\/domains\/([^/?]+)$/))) {
    leave = renderDomain(main, decoded(m[1]));
  } else if ((m = hash.match(/^#\/scans\/(\d+)$/))) {
    leave = renderScan(main, m[1]);
  } else if (hash.match(/^#\/events(\?|$)/)) {
    leave = renderEvents(main, new URLSearchParams(hash.split('?')[1] || '').get('type') || '');
  } else if (hash === '#/webhooks') {
    leave = renderWebhooks(main);
  } else if (hash === '#/api') {
    leave = renderReference(main);
  } else {
    const status = new URLSearchParams(hash.split('?')[1] || '').get('status') || '';
    leave = renderDomains(main, status);
  }
  main.focus({ preventScroll: true });
}

// A server that requires keys answered 401: ask for one, then draw the page again with it.
const auth = document.getElementById('auth');
const forget = document.getElementById('forget-key');
const showForget = () => { forget.hidden = !apiKey.get(); };
window.addEventListener('domainscan:unauthorized', (e) => {
  if (auth.childElementCount) return;  // asked already
  renderKeyForm(auth, e.detail, () => {
    showForget();
    route();
  });
});
forget.addEventListener('click', () => {
  apiKey.forget();
  showForget();
  route();
});
showForget();

window.addEventListener('hashchange', route);
route();
