// The score over time as an inline SVG line chart (no library: a few dozen points).
const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

// points: [{t: Date, score: number}], oldest first.
export function scoreChart(points) {
  const W = 600, H = 200, L = 36, R = 10, T = 10, B = 24;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img',
    'aria-label': `Score over time: ${points.map((p) => p.score).join(', ')}` });
  const t0 = points[0].t.getTime();
  const t1 = points[points.length - 1].t.getTime();
  const x = (t) => (t1 === t0 ? L + (W - L - R) / 2 : L + ((t - t0) / (t1 - t0)) * (W - L - R));
  const y = (s) => T + (1 - s / 100) * (H - T - B);
  for (const s of [0, 50, 100]) {
    svg.append(el('line', { x1: L, x2: W - R, y1: y(s), y2: y(s), class: 'grid' }));
    const label = el('text', { x: L - 6, y: y(s) + 4, 'text-anchor': 'end', class: 'axis' });
    label.textContent = String(s);
    svg.append(label);
  }
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t.getTime()).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  svg.append(el('path', { d: path, class: 'line' }));
  for (const p of points) {
    const dot = el('circle', { cx: x(p.t.getTime()), cy: y(p.score), r: 4, class: 'dot' });
    const title = document.createElementNS(NS, 'title');
    title.textContent = `${p.t.toLocaleString()}: ${p.score}`;
    dot.append(title);
    svg.append(dot);
  }
  return svg;
}
