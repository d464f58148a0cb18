// The digest's chart: each narrative's last seven days as a line chart, rendered server-side to SVG
// by Apache ECharts (no browser, no native canvas). The HTML embeds it as an image.
import * as echarts from 'echarts';
import type { NarrativeDay } from './digest-types.ts';

/** More lines than this stop being readable; the tables list every narrative. */
const MAX_SERIES = 8;

export function renderChartSvg(
  narratives: readonly NarrativeDay[],
  options: { width?: number; height?: number } = {},
): string {
  const shown = [...narratives]
    .sort((a, b) => b.daily.reduce((s, d) => s + d.count, 0) - a.daily.reduce((s, d) => s + d.count, 0))
    .slice(0, MAX_SERIES);
  const days = shown[0]?.daily.map((d) => d.date.slice(5)) ?? [];
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: options.width ?? 720,
    height: options.height ?? 320,
  });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      title: { text: 'Posts per narrative, last 7 days', left: 'center', textStyle: { fontSize: 14 } },
      legend: { bottom: 0, type: 'plain' },
      grid: { left: 48, right: 24, top: 40, bottom: 64 },
      xAxis: { type: 'category', data: days, boundaryGap: false },
      yAxis: { type: 'value', minInterval: 1 },
      series: shown.map((n) => ({
        name: n.narrative,
        type: 'line',
        symbolSize: 6,
        data: n.daily.map((d) => d.count),
      })),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
