// Number, size, rate, duration and time formatting for people.
const integer = new Intl.NumberFormat('en-US');
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const units = ['KB', 'MB', 'GB', 'TB'];

export const count = (n) => integer.format(n);

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  let value = n;
  let unit = -1;
  do {
    value /= 1024;
    unit++;
  } while (value >= 1024 && unit < units.length - 1);
  return `${value < 100 ? oneDecimal.format(value) : integer.format(Math.round(value))} ${units[unit]}`;
}

/** A per-second rate, compact: 0, 3.5, 120, 4.2k, 1.3M. */
export function rate(n) {
  if (!n) return '0';
  if (n < 10) return oneDecimal.format(n);
  if (n < 1000) return integer.format(Math.round(n));
  if (n < 1e6) return `${oneDecimal.format(n / 1e3)}k`;
  return `${oneDecimal.format(n / 1e6)}M`;
}

export const byteRate = (n) => `${bytes(Math.round(n || 0))}/s`;

/** A duration: 42s, 3m 05s, 4h 12m, 2d 3h. */
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** How long ago, or a dash for never. */
export function ago(ms, now) {
  if (!ms) return '—';
  const elapsed = now - ms;
  return elapsed < 1000 ? 'just now' : `${duration(elapsed)} ago`;
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** Local wall-clock time with milliseconds, for the traffic log. */
export function clock(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Local time, with the date when it is not today. */
export function when(ms) {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return d.toDateString() === new Date().toDateString() ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}
