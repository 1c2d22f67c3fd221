// One domain: its status (and the bad-domain reason with a re-check button), the latest
// scan check by check, its findings by severity, "rescan now", its events (what changed,
// before → after), the schedule (set, change, remove) and the scan history with the score
// over time. Polls while a scan is queued or
// running, and redraws when it finishes.
import { api } from './api.js';
import { h, replace, when, badge, gradeBadge, badReasonText, errorBox } from './dom.js';
import { poller, moving } from './poll.js';
import { checkSections, findingsList } from './checks.js';
import { scoreChart } from './chart.js';
import { eventList } from './events.js';

export function renderDomain(main, name) {
  const poll = poller(async () => load(), 1500);
  const notice = h('div', { 'aria-live': 'polite' });
  const body = h('div');
  // The schedule form is drawn once and updated in place: the page redraws the rest on every
  // poll, which would wipe what someone is typing into it.
  const schedule = scheduleForm();
  const scheduleBox = h('div');
  const historyBox = h('div');
  replace(main, h('p', {}, h('a', { href: '#/' }, '← All domains')), h('h1', {}, name), notice, body, scheduleBox,
    historyBox);

  async function rescan() {
    replace(notice);
    try {
      await api.rescan(name);
      replace(notice, h('p', { class: 'ok', role: 'status' }, 'Scan queued.'));
      await load();
      poll.start();
    } catch (e) {
      replace(notice, errorBox(e.message));
    }
  }

  function scheduleForm() {
    const cron = h('input', { id: 'schedule-cron', value: '', required: true, autocomplete: 'off', placeholder: '0 3 * * *' });
    const zone = h('input', { id: 'schedule-timezone', value: 'UTC', autocomplete: 'off' });
    const status = h('p');
    const submit = h('button', { type: 'submit' });
    const buttons = h('div', { class: 'buttons' });
    const message = h('div');
    // What the server said last: a field still showing it has not been edited, and follows
    // the server; an edited one is left alone.
    let shown = { cron: '', timezone: 'UTC' };
    const save = async (event) => {
      event.preventDefault();
      replace(message);
      try {
        await api.setSchedule(name, { cron: cron.value.trim(), timezone: zone.value.trim() || 'UTC' });
        replace(message, h('p', { class: 'ok', role: 'status' }, 'Schedule saved.'));
        shown = { cron: cron.value, timezone: zone.value };
        await load();
        poll.start();  // the scheduler fills in the next run
      } catch (e) {
        replace(message, errorBox(e.message));
      }
    };
    const remove = async () => {
      replace(message);
      try {
        await api.removeSchedule(name);
        await load();
      } catch (e) {
        replace(message, errorBox(e.message));
      }
    };
    const removeButton = h('button', { type: 'button', class: 'secondary', onclick: remove }, 'Remove schedule');
    const form = h('form', { class: 'card', id: 'schedule', onsubmit: save },
      h('h2', {}, 'Schedule'), status,
      h('div', { class: 'field' }, h('label', { for: 'schedule-cron' }, 'Cron expression'), cron),
      h('div', { class: 'field' }, h('label', { for: 'schedule-timezone' }, 'Time zone'), zone),
      buttons, message);
    function update(s) {
      replace(status, s
        ? ['Rescanned on ', h('code', {}, s.cron), ` (${s.timezone}); next: `,
           h('span', { id: 'next-run' }, s.next_run_at ? when(s.next_run_at) : 'being planned…')]
        : 'No schedule: scanned only when asked.');
      const now = { cron: s ? s.cron : '', timezone: s ? s.timezone : 'UTC' };
      if (cron.value === shown.cron) cron.value = now.cron;
      if (zone.value === shown.timezone) zone.value = now.timezone;
      shown = now;
      submit.textContent = s ? 'Change schedule' : 'Set schedule';
      // Buttons moved only when one comes or goes (a click in progress would be lost).
      if (!submit.isConnected) buttons.append(submit);
      if (s && !removeButton.isConnected) buttons.append(removeButton);
      if (!s && removeButton.isConnected) removeButton.remove();
    }
    return { form, update };
  }

  function historySection(items) {
    const done = items.filter((s) => s.status === 'completed' && s.score != null && s.finished_at).reverse();
    return h('section', { class: 'card', id: 'history', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'History'),
      done.length >= 1 ? scoreChart(done.map((s) => ({ t: new Date(s.finished_at), score: s.score }))) : null,
      h('div', { class: 'scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Scan', 'Trigger', 'Status', 'Grade', 'Score', 'Finished'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, items.map((s) => h('tr', {},
          h('td', {}, h('a', { href: `#/scans/${s.id}` }, `#${s.id}`)),
          h('td', {}, s.trigger), h('td', {}, badge(s.status)), h('td', {}, gradeBadge(s.grade, s.grade_reason)),
          h('td', {}, s.score ?? '—'), h('td', {}, when(s.finished_at))))))));
  }

  async function load() {
    let d, history, events;
    try {
      [d, history, events] = await Promise.all([api.domain(name), api.history(name), api.domainEvents(name)]);
    } catch (e) {
      replace(body, errorBox(e.status === 404 ? `${name} is not watched. Add it on the domains page.` : e.message));
      if (e.status === 404) {
        replace(scheduleBox);
        replace(historyBox);
      }
      return e.status !== 404;
    }
    const scan = d.last_scan;
    const summary = h('section', { class: 'card summary', 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title', class: 'sr-only' }, 'Summary'),
      h('div', { class: 'summary-row' },
        gradeBadge(scan && scan.grade, scan && scan.grade_reason),
        h('div', {},
          h('p', {}, 'Status: ', badge(d.status), d.bad_reason ? [' — ', h('strong', { id: 'bad-reason' }, d.bad_reason),
            h('span', { class: 'muted', id: 'bad-reason-text' }, ` (${badReasonText(d.bad_reason)})`)] : null),
          scan && scan.grade_reason ? h('p', { id: 'grade-reason' }, 'No grade: ', scan.grade_reason) : null,
          h('p', {}, 'Score: ', h('strong', { id: 'score' }, scan && scan.score != null ? scan.score : '—'),
            scan ? [' · last scan ', h('a', { href: `#/scans/${scan.id}` }, `#${scan.id}`), ` ${scan.status}`,
                    scan.finished_at ? `, ${when(scan.finished_at)}` : ''] : null))),
      d.status === 'bad'
        ? h('p', { class: 'error' }, `This domain is marked bad (${d.bad_reason}) and is not scanned by its schedule. `,
            h('button', { type: 'button', id: 're-check', onclick: rescan, disabled: moving(scan) }, 'Re-check'))
        : h('button', { type: 'button', id: 'rescan', onclick: rescan, disabled: moving(scan) },
            moving(scan) ? `Scan ${scan.status}…` : 'Rescan now'));

    const parts = [summary];
    if (moving(scan)) parts.push(h('p', { class: 'muted', role: 'status' }, `A scan is ${scan.status}; this page updates when it finishes.`));
    // What changed comes before the details: it is what someone watching the domain asks first.
    const timeline = h('section', { class: 'card', id: 'events', 'aria-labelledby': 'events-title' },
      h('h2', { id: 'events-title' }, 'Events'), eventList(events.items, false));
    if (scan && scan.checks) {
      parts.push(h('section', { class: 'card', 'aria-labelledby': 'findings-title' },
        h('h2', { id: 'findings-title' }, 'Findings'), findingsList(scan.findings)));
      parts.push(timeline);
      parts.push(h('h2', {}, 'Checks'), ...checkSections(scan.checks));
    } else {
      if (scan && scan.status === 'failed') parts.push(errorBox(`The last scan failed: ${scan.error || 'unknown error'}`));
      parts.push(timeline);
    }
    replace(body, parts);
    schedule.update(d.schedule);
    if (scheduleBox.firstChild !== schedule.form) replace(scheduleBox, schedule.form);
    replace(historyBox, historySection(history.items));
    return moving(scan) || (d.schedule && !d.schedule.next_run_at);
  }

  load().then((again) => { if (again) poll.start(); });
  return () => poll.stop();
}
