// #/api: the API reference, drawn from the server's own OpenAPI document
// (/api/v1/openapi.json, built from docs/openapi.yaml), so it is always the running
// version's. Operations grouped by tag, each with its key scope, parameters, request body and
// responses; schemas open on demand (<details>), references resolved in place.
import { api } from './api.js';
import { h, replace, errorBox } from './dom.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

// Text with **strong** and `code` spans, the little markdown the document uses: each span
// becomes an element of text nodes (never markup).
function prose(text) {
  return String(text || '').split('**').map((part, i) => {
    const spans = part.split('`').map((bit, j) => (j % 2 ? h('code', {}, bit) : bit));
    return i % 2 ? h('strong', {}, spans) : spans;
  });
}

function paragraphs(text) {
  return String(text || '').split(/\n\s*\n/).filter((p) => p.trim()).map((p) => h('p', {}, prose(p.trim())));
}

function resolve(doc, node) {
  let seen = 0;
  while (node && node.$ref && seen++ < 20) {
    node = node.$ref.slice(2).split('/').reduce((at, part) => (at ? at[part] : undefined), doc);
  }
  return node || {};
}

function refName(node) {
  return node && node.$ref ? node.$ref.split('/').pop() : null;
}

// "string", "integer or null", "array of Domain", "Scan", ...
function typeText(doc, schema) {
  const name = refName(schema);
  if (name) return name;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = schema.oneOf || schema.anyOf;
  if (variants) return variants.map((v) => typeText(doc, v)).join(' or ');
  const types = [].concat(schema.type || (schema.properties ? 'object' : 'any'));
  return types.map((t) => (t === 'array' && schema.items ? `array of ${typeText(doc, schema.items)}` : t)).join(' or ');
}

// A schema's properties, including those of the parts it is made of (allOf).
function propertiesOf(doc, schema, depth = 0) {
  const own = { properties: { ...(schema.properties || {}) }, required: new Set(schema.required || []) };
  if (depth > 5) return own;
  for (const part of schema.allOf || []) {
    const sub = propertiesOf(doc, resolve(doc, part), depth + 1);
    Object.assign(own.properties, sub.properties);
    sub.required.forEach((r) => own.required.add(r));
  }
  return own;
}

// The schemas beneath a field's, to open under it: a referenced one, an object written in
// place, the items of an array, each variant.
function children(schema) {
  if (!schema || typeof schema !== 'object') return [];
  if (schema.$ref || schema.properties || schema.allOf) return [schema];
  const out = [];
  if (schema.items) out.push(...children(schema.items));
  for (const v of schema.oneOf || schema.anyOf || []) out.push(...children(v));
  return out;
}

function schemaView(doc, schema, trail = []) {
  const target = resolve(doc, schema);
  const { properties, required } = propertiesOf(doc, target);
  const parts = [];
  if (target.description && !schema.$ref) parts.push(...paragraphs(target.description));
  if (target.enum) parts.push(h('p', {}, 'One of: ', target.enum.map((v, i) => [i ? ', ' : '', h('code', {}, JSON.stringify(v))])));
  const names = Object.keys(properties);
  if (names.length) {
    parts.push(h('table', { class: 'schema' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Field'), h('th', {}, 'Type'), h('th', {}, 'About'))),
      h('tbody', {}, names.map((name) => {
        const prop = properties[name];
        const about = resolve(doc, prop);
        return h('tr', {},
          h('td', {}, h('code', {}, name), required.has(name) ? h('span', { class: 'muted' }, ' required') : null),
          h('td', {}, typeText(doc, prop)),
          h('td', {}, prose(prop.description || about.description || ''),
            about.enum ? h('div', { class: 'muted' }, 'One of: ', about.enum.map((v) => JSON.stringify(v)).join(', ')) : null,
            nested(doc, prop, trail)));
      }))));
  }
  if (target.additionalProperties && typeof target.additionalProperties === 'object') {
    parts.push(h('p', { class: 'muted' }, `Each other field: ${typeText(doc, target.additionalProperties)}`));
  }
  parts.push(nested(doc, target.items || null, trail));
  for (const v of target.oneOf || target.anyOf || []) parts.push(nested(doc, v, trail));
  return parts;
}

// The schemas under a field, each closed until asked for (and never one inside itself: a
// schema that refers back to one above it stops there).
function nested(doc, schema, trail) {
  return children(schema).map((sub) => {
    const name = refName(sub) || 'fields';
    if (refName(sub) && trail.includes(name)) return null;
    const target = resolve(doc, sub);
    if (!target.properties && !target.allOf && !target.items && !target.oneOf && !target.anyOf) return null;
    const details = h('details', { class: 'schema-ref' }, h('summary', {}, name));
    details.addEventListener('toggle', () => {
      if (details.open && details.childElementCount === 1) {
        details.append(...schemaView(doc, sub, refName(sub) ? [...trail, name] : trail).flat(Infinity).filter(Boolean));
      }
    });
    return details;
  });
}

function parameterTable(doc, parameters) {
  if (!parameters.length) return null;
  return [h('h4', {}, 'Parameters'), h('table', { class: 'schema' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'In'), h('th', {}, 'Type'), h('th', {}, 'About'))),
    h('tbody', {}, parameters.map((p) => {
      const schema = p.schema || {};
      const limits = [schema.minimum !== undefined ? `from ${schema.minimum}` : '', schema.maximum !== undefined ? `to ${schema.maximum}` : '',
        schema.default !== undefined ? `default ${schema.default}` : ''].filter(Boolean).join(', ');
      return h('tr', {},
        h('td', {}, h('code', {}, p.name), p.required ? h('span', { class: 'muted' }, ' required') : null),
        h('td', {}, p.in), h('td', {}, typeText(doc, schema)),
        h('td', {}, prose(p.description || ''), limits ? h('div', { class: 'muted' }, limits) : null, nested(doc, schema, [])));
    })))];
}

function contentView(doc, content) {
  return Object.entries(content || {}).map(([type, media]) => h('div', { class: 'media' },
    h('div', { class: 'muted' }, h('code', {}, type), media.schema ? ` — ${typeText(doc, media.schema)}` : ''),
    media.schema && !refName(media.schema) ? schemaView(doc, media.schema) : nested(doc, media.schema, []),
    media.example !== undefined ? h('pre', { class: 'example' }, typeof media.example === 'string' ? media.example : JSON.stringify(media.example, null, 2)) : null));
}

function scopeText(op) {
  switch (op['x-scope']) {
    case 'open': return 'No key needed.';
    case 'metrics': return 'A read key only when the server runs with --metrics-auth required.';
    default: return `A key with the ${op['x-scope']} scope, unless the server waives keys (--auth).`;
  }
}

function anchor(method, path) {
  return `op-${method}-${path.replace(/[^a-z0-9]+/gi, '-')}`;
}

function operationView(doc, path, method, op, pathParameters) {
  const parameters = [...pathParameters, ...(op.parameters || [])].map((p) => resolve(doc, p));
  const body = op.requestBody ? resolve(doc, op.requestBody) : null;
  return h('section', { class: 'card op', id: anchor(method, path), 'data-operation': `${method.toUpperCase()} ${path}` },
    h('h3', {}, h('span', { class: `method method-${method}` }, method.toUpperCase()), ' ', h('code', {}, path)),
    h('p', {}, h('strong', {}, op.summary || '')),
    paragraphs(op.description),
    h('p', { class: 'muted' }, scopeText(op)),
    parameterTable(doc, parameters),
    body ? [h('h4', {}, 'Request body'), contentView(doc, body.content)] : null,
    h('h4', {}, 'Responses'),
    Object.entries(op.responses || {}).map(([status, r]) => {
      const response = resolve(doc, r);
      return h('div', { class: 'response' },
        h('p', {}, h('code', { class: 'status' }, status), ' ', prose(response.description || '')),
        contentView(doc, response.content));
    }));
}

function render(main, doc) {
  const byTag = new Map((doc.tags || []).map((t) => [t.name, { tag: t, ops: [] }]));
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = (op.tags || ['other'])[0];
      if (!byTag.has(tag)) byTag.set(tag, { tag: { name: tag }, ops: [] });
      byTag.get(tag).ops.push({ path, method, op, pathParameters: item.parameters || [] });
    }
  }
  const groups = [...byTag.values()].filter((g) => g.ops.length);
  replace(main,
    h('h1', {}, `${doc.info.title} API ${doc.info.version}`),
    paragraphs(doc.info.summary), paragraphs(doc.info.description),
    h('p', {}, 'The document itself: ', h('a', { href: '/api/v1/openapi.json' }, '/api/v1/openapi.json'), ' (OpenAPI ', doc.openapi, ').'),
    h('nav', { 'aria-label': 'Operations', class: 'card' }, groups.map((g) => h('div', {},
      h('h2', {}, g.tag.name), g.tag.description ? h('p', { class: 'muted' }, prose(g.tag.description)) : null,
      h('ul', { class: 'plain' }, g.ops.map(({ path, method, op }) => h('li', {},
        h('a', { href: `#/api`, 'data-target': anchor(method, path), onclick: (e) => {
          e.preventDefault();
          document.getElementById(anchor(method, path)).scrollIntoView();
        } }, h('span', { class: `method method-${method}` }, method.toUpperCase()), ' ', path),
        ' — ', op.summary)))))),
    groups.map((g) => [h('h2', {}, g.tag.name),
      g.ops.map(({ path, method, op, pathParameters }) => operationView(doc, path, method, op, pathParameters))]));
}

export function renderReference(main) {
  let live = true;
  api.openapi()
    .then((doc) => { if (live) render(main, doc); })
    .catch((e) => { if (live) replace(main, h('h1', {}, 'API reference'), errorBox(`The API document cannot be read: ${e.message}`)); });
  return () => { live = false; };
}
