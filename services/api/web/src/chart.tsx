import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';

// Only the parts of echarts the page draws with are bundled. The tooltip is drawn in the canvas
// (richText): the HTML tooltip writes markup with innerHTML, which the page's Trusted Types policy
// forbids.
echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type Series = { name: string; data: number[] };

/** For tests and tools: where a data point is drawn, on the chart's element. */
export type ChartElement = HTMLDivElement & {
  cwPointAt?: (series: number, index: number) => [number, number];
  /** The series as drawn: what a test compares with the API's numbers. */
  cwSeries?: () => { name: string; data: number[] }[];
};

const COLORS = ['#1f5fbf', '#c0392b', '#2e7d32', '#8e44ad', '#b35c00', '#00796b', '#5d4037'];

export function Chart(props: {
  label: string;
  categories: string[];
  series: Series[];
  kind: 'line' | 'bar';
  percent?: boolean;
  onPick?: (series: string, index: number) => void;
}) {
  const ref = useRef<ChartElement>(null);
  const pick = useRef(props.onPick);
  pick.current = props.onPick;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.on('click', (p) => {
      if (typeof p.seriesName === 'string' && typeof p.dataIndex === 'number')
        pick.current?.(p.seriesName, p.dataIndex);
    });
    el.cwPointAt = (series, index) => {
      const s = chart.getOption() as { series?: { data?: number[] }[]; xAxis?: { data?: string[] }[] };
      const x = s.xAxis?.[0]?.data?.[index];
      const y = s.series?.[series]?.data?.[index] ?? 0;
      return chart.convertToPixel({ seriesIndex: series }, [x ?? index, y]) as [number, number];
    };
    el.cwSeries = () => {
      const o = chart.getOption() as { series?: { name?: string; data?: number[] }[] };
      return (o.series ?? []).map((x) => ({ name: x.name ?? '', data: x.data ?? [] }));
    };
    const resize = () => chart.resize();
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      chart.dispose();
    };
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.getInstanceByDom(el);
    chart?.setOption(
      {
        animation: false,
        color: COLORS,
        grid: { left: 48, right: 12, top: 40, bottom: 28, containLabel: false },
        legend: { top: 0, type: 'scroll' },
        tooltip: { trigger: 'item', renderMode: 'richText' },
        xAxis: { type: 'category', data: props.categories },
        yAxis: {
          type: 'value',
          minInterval: props.percent ? 0 : 1,
          axisLabel: { formatter: props.percent ? (v: number) => `${(v * 100).toFixed(0)}%` : '{value}' },
        },
        series: props.series.map((s) => ({
          name: s.name,
          type: props.kind,
          data: s.data,
          symbolSize: 7,
          cursor: 'pointer',
        })),
      },
      { notMerge: true },
    );
  }, [props.categories, props.series, props.kind, props.percent]);
  return (
    <div class="chart-box">
      <div
        ref={ref}
        class="chart"
        role="img"
        aria-label={`${props.label}. The same numbers, with links to the posts, are in the table below.`}
      />
    </div>
  );
}
