// Refreshes a page while something it shows is still moving (a scan queued or running),
// and stops when told to or when the page is left.
export function poller(refresh, intervalMs = 1500) {
  let timer = null;
  let stopped = false;
  const tick = async () => {
    timer = null;
    if (stopped) return;
    const again = await refresh();
    if (again && !stopped) timer = setTimeout(tick, intervalMs);
  };
  return {
    start() {
      if (!timer && !stopped) timer = setTimeout(tick, intervalMs);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export const moving = (scan) => !!scan && (scan.status === 'queued' || scan.status === 'running');
