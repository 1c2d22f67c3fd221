// How each check of a scan is shown: a few lines that matter first, then every field the
// check reported (generic), so nothing the scanner found is hidden.
import { h, when } from './dom.js';

const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

export function sortedFindings(findings) {
  return [...(findings || [])].sort((a, b) =>
    (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) || a.id.localeCompare(b.id));
}

export function findingsList(findings) {
  const sorted = sortedFindings(findings);
  if (sorted.length === 0) return h('p', { class: 'muted' }, 'No findings.');
  return h('ul', { class: 'findings' }, sorted.map((f) =>
    h('li', { class: `finding sev-${f.severity}` },
      h('span', { class: `sev sev-${f.severity}` }, f.severity), ' ',
      h('span', {}, f.message), ' ',
      h('code', { class: 'muted' }, f.id))));
}

const TITLES = {
  dns: 'DNS records', email: 'E-mail authentication', tls: 'TLS certificate and handshake',
  http: 'HTTP redirects and headers', rdap: 'Registration (RDAP)', reputation: 'Reputation',
};
const ORDER = ['dns', 'email', 'tls', 'http', 'rdap', 'reputation'];

// HSTS in one line: whether it is on, for how long, and its two flags.
function hstsText(hsts) {
  if (!hsts || !hsts.present) return 'none';
  const days = hsts.max_age != null ? `max-age ${hsts.max_age} s (${Math.floor(hsts.max_age / 86400)} days)` : 'no valid max-age';
  return [days, hsts.include_subdomains ? 'includeSubDomains' : null, hsts.preload ? 'preload' : null]
    .filter(Boolean).join(', ');
}

// The lines worth reading before the details.
function highlights(name, c) {
  if (c.status !== 'ok') {
    const lines = [['Status', c.status === 'skipped' ? `skipped: ${c.reason || ''}` : `error: ${c.error || ''}`]];
    if (c.error_kind) lines.push(['Failure', c.error_kind]);
    return lines;
  }
  switch (name) {
    case 'dns':
      return [['Addresses', [...(c.a || []), ...(c.aaaa || [])].join(', ') || 'none'],
              ['Name servers', (c.ns || []).join(', ') || 'none'],
              ['DNSSEC', c.dnssec]];
    case 'tls': {
      const cert = c.certificate || {};
      return [['Issuer', cert.issuer], ['Subject', cert.subject],
              ['Days left', cert.days_left], ['Valid until', when(cert.not_after)],
              ['Protocol', c.protocol], ['Chain valid', c.chain_valid], ['Host name matches', c.hostname_match]];
    }
    case 'http':
      return [['Final URL', c.final_url], ['Final status', c.final_status],
              ['Redirects to HTTPS', c.redirects_to_https], ['HSTS', hstsText(c.hsts)]];
    case 'rdap':
      if (c.registered === false) return [['Registered', 'no: the registry does not know the name']];
      return [['Registrar', c.registrar], ['Registered', when(c.created)], ['Expires', when(c.expires)]];
    case 'reputation':
      return [['Malicious', c.malicious], ['Suspicious', c.suspicious], ['Harmless', c.harmless]];
    case 'email':
      return [['SPF', (c.spf && c.spf.record) || 'none'],
              ['DMARC policy', (c.dmarc && c.dmarc.policy) || 'none'],
              ['MTA-STS', (c.mta_sts && c.mta_sts.policy && c.mta_sts.policy.mode) || (c.mta_sts && c.mta_sts.error) || 'none'],
              ['TLS-RPT', (c.tls_rpt && c.tls_rpt.rua) || 'none']];
    default:
      return [];
  }
}

function value(v) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, '—');
  if (Array.isArray(v)) {
    if (v.length === 0) return h('span', { class: 'muted' }, 'none');
    return h('ul', { class: 'plain' }, v.map((x) => h('li', {}, value(x))));
  }
  if (typeof v === 'object') {
    return h('dl', { class: 'kv nested' }, Object.entries(v).map(([k, x]) => [h('dt', {}, k), h('dd', {}, value(x))]));
  }
  return String(v);
}

export function checkSections(checks) {
  const names = [...ORDER.filter((n) => checks && n in checks), ...Object.keys(checks || {}).filter((n) => !ORDER.includes(n))];
  return names.map((name) => {
    const c = checks[name];
    const lines = highlights(name, c).filter(([, v]) => v !== undefined && v !== null && v !== '');
    return h('section', { class: 'card check', id: `check-${name}`, 'aria-labelledby': `check-${name}-title` },
      h('h3', { id: `check-${name}-title` }, TITLES[name] || name, ' ', h('span', { class: `badge badge-${c.status}` }, c.status)),
      h('dl', { class: 'kv highlights' }, lines.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])),
      h('details', {}, h('summary', {}, 'Everything this check reported'), value(c)));
  });
}
