// Live charts of the last minutes in the stat tiles, drawn by uPlot (from npm). One point per totals
// sample (about a second); colors come from the CSS custom properties so they follow the theme. Each
// chart has a time axis and a y-axis in its unit (so one frame's spike does not look like a million's),
// and hovering it shows the values at that moment in the tile's readout.
import { setText } from '../dom.js';
import { byteRate, count, rate } from '../format.js';
import { on, store } from '../state.js';

const WINDOW_SECONDS = 300;

const definitions = [
  { holder: 'chart-sessions', series: [{ label: 'Sessions', value: (t) => t.sessions, color: 'a' }], format: count },
  {
    holder: 'chart-churn',
    series: [
      { label: 'Connects/s', value: (t) => t.connectsPerSecond, color: 'a' },
      { label: 'Disconnects/s', value: (t) => t.disconnectsPerSecond, color: 'b' },
    ],
    format: rate,
  },
  {
    holder: 'chart-frames',
    series: [
      { label: 'In/s', value: (t) => t.framesInPerSecond, color: 'a' },
      { label: 'Out/s', value: (t) => t.framesOutPerSecond, color: 'b' },
    ],
    format: rate,
  },
  {
    holder: 'chart-bytes',
    series: [
      { label: 'In', value: (t) => t.bytesInPerSecond, color: 'a' },
      { label: 'Out', value: (t) => t.bytesOutPerSecond, color: 'b' },
    ],
    format: byteRate,
  },
];

const charts = [];

export function initCharts() {
  const uPlot = globalThis.uPlot;
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(`--chart-${name}`).trim();
  const axisColor = css.getPropertyValue('--text-3').trim() || '#889';
  const gridColor = css.getPropertyValue('--border').trim() || '#ddd';
  const font = '10px system-ui, sans-serif';
  const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const clockSeconds = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  for (const definition of definitions) {
    const holder = document.getElementById(definition.holder);
    const data = [[], ...definition.series.map(() => [])];
    const plot = new uPlot({
      width: Math.max(100, holder.clientWidth),
      height: holder.clientHeight || 58,
      pxAlign: false,
      padding: [6, 0, 0, 0],
      legend: { show: false },
      cursor: { show: true, x: true, y: false, points: { size: 5 }, drag: { x: false, y: false } },
      select: { show: false },
      scales: {
        x: { time: true },
        y: { range: (_, __, max) => [0, max > 0 ? max * 1.2 : 1] },
      },
      axes: [
        {
          stroke: axisColor,
          font,
          size: 16,
          gap: 2,
          ticks: { show: false },
          grid: { show: false },
          space: 70,
          values: (_, ticks) => ticks.map((t) => clock.format(new Date(t * 1000))),
        },
        {
          side: 1,
          stroke: axisColor,
          font,
          size: 44,
          gap: 3,
          ticks: { show: false },
          grid: { stroke: gridColor, width: 1 },
          space: 22,
          values: (_, ticks) => ticks.map((t) => definition.format(t)),
        },
      ],
      hooks: {
        // The values under the cursor go to the tile's readout; leaving the chart clears it.
        setCursor: [(u) => {
          const readout = holder.parentElement?.querySelector('.stat-readout');
          if (!readout) return;
          const i = u.cursor.idx;
          if (i == null || u.data[0][i] == null) {
            setText(readout, '');
            return;
          }

          const values = definition.series.map((s, k) => `${s.label} ${definition.format(u.data[k + 1][i] ?? 0)}`).join(' · ');
          setText(readout, `${clockSeconds.format(new Date(u.data[0][i] * 1000))}  ${values}`);
        }],
      },
      series: [
        {},
        ...definition.series.map((s, i) => ({
          label: s.label,
          stroke: color(s.color),
          fill: color(`${s.color}-fill`),
          width: i === 0 ? 1.8 : 1.4,
          points: { show: false },
          value: (_, v) => (v == null ? '–' : definition.format(v)),
        })),
      ],
    }, data, holder);
    holder.title = definition.series.map((s) => s.label).join(' · ');
    charts.push({ definition, plot, data, holder });
    new ResizeObserver(() => plot.setSize({ width: Math.max(100, holder.clientWidth), height: holder.clientHeight || 58 })).observe(holder);
  }

  on('snapshot', () => {
    for (const chart of charts) {
      chart.data.forEach((column) => { column.length = 0; });
      for (const totals of store.totalsHistory) push(chart, totals);
      chart.plot.setData(chart.data);
    }
  });

  on('totals', (totals) => {
    for (const chart of charts) {
      push(chart, totals);
      chart.plot.setData(chart.data);
    }
  });
}

function push(chart, totals) {
  const { data, definition } = chart;
  data[0].push(totals.time / 1000);
  definition.series.forEach((s, i) => data[i + 1].push(s.value(totals)));
  const oldest = totals.time / 1000 - WINDOW_SECONDS;
  while (data[0].length > 1 && data[0][0] < oldest) {
    for (const column of data) column.shift();
  }
}
