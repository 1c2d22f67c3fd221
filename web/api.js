// The dashboard's only source of data: the project's own REST API, same origin. When the
// server requires API keys, the key the user typed is kept for this tab's session only
// (sessionStorage) and sent as a bearer token; a 401 asks for one (app.js).

const KEY_STORAGE = 'domainscan.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY_STORAGE),
  set: (key) => sessionStorage.setItem(KEY_STORAGE, key),
  forget: () => sessionStorage.removeItem(KEY_STORAGE),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  const key = apiKey.get();
  if (key) init.headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', `The server cannot be reached (${e.message}).`);
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    // an empty or non-JSON body
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : { code: 'http_' + res.status, message: res.statusText };
    if (res.status === 401) window.dispatchEvent(new CustomEvent('domainscan:unauthorized', { detail: err.message }));
    throw new ApiError(res.status, err.code, err.message);
  }
  return data;
}

const enc = encodeURIComponent;

export const api = {
  listDomains: (status, cursor) => {
    const q = new URLSearchParams({ limit: '100' });
    if (status) q.set('status', status);
    if (cursor) q.set('cursor', cursor);
    return call('GET', `/api/v1/domains?${q}`);
  },
  addDomain: (domain, schedule) => call('POST', '/api/v1/domains', schedule ? { domain, schedule } : { domain }),
  domain: (name) => call('GET', `/api/v1/domains/${enc(name)}`),
  rescan: (name) => call('POST', `/api/v1/domains/${enc(name)}/scans`),
  history: (name) => call('GET', `/api/v1/domains/${enc(name)}/scans?limit=100`),
  setSchedule: (name, schedule) => call('PUT', `/api/v1/domains/${enc(name)}/schedule`, schedule),
  removeSchedule: (name) => call('DELETE', `/api/v1/domains/${enc(name)}/schedule`),
  scan: (id) => call('GET', `/api/v1/scans/${enc(id)}`),
  domainEvents: (name) => call('GET', `/api/v1/domains/${enc(name)}/events?limit=50`),
  events: ({ type, cursor } = {}) => {
    const q = new URLSearchParams({ limit: '50' });
    if (type) q.set('type', type);
    if (cursor) q.set('cursor', cursor);
    return call('GET', `/api/v1/events?${q}`);
  },
  webhooks: () => call('GET', '/api/v1/webhooks'),
  addWebhook: (webhook) => call('POST', '/api/v1/webhooks', webhook),
  removeWebhook: (id) => call('DELETE', `/api/v1/webhooks/${enc(id)}`),
  deliveries: (id) => call('GET', `/api/v1/webhooks/${enc(id)}/deliveries?limit=10`),
  openapi: () => call('GET', '/api/v1/openapi.json'),
};
