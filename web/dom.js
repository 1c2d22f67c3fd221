// Small helpers to build the page from data without innerHTML: every text is a text node,
// so nothing a domain, a record or a server returns can become markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

// "2026-11-25T10:00:00.000Z" -> the reader's local date and time; '—' for none.
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function badge(status) {
  return h('span', { class: `badge badge-${status}` }, status);
}

// reason: why a scan has no grade (its grade_reason), shown on hover and to screen readers.
export function gradeBadge(grade, reason) {
  if (!grade) {
    const why = reason ? `no grade: ${reason}` : 'no grade';
    return h('span', { class: 'grade grade-none', title: why, 'aria-label': why }, '—');
  }
  const cls = grade === 'A+' ? 'Aplus' : grade;
  return h('span', { class: `grade grade-${cls}`, 'aria-label': `grade ${grade}` }, grade);
}

// What each bad_reason means, for people.
const BAD_REASONS = {
  nxdomain: 'the domain does not exist (its DNS answers NXDOMAIN)',
  unreachable: 'none of its servers answered, scan after scan',
  not_registered: 'the registry does not know it: the name is not registered, or has lapsed',
};

export function badReasonText(reason) {
  return BAD_REASONS[reason] || reason;
}

export function errorBox(message) {
  return h('p', { class: 'error', role: 'alert' }, message);
}
