/// <reference lib="dom" />
// The /insights page's charts: Apache ECharts, only the parts used (tree-shaken by esbuild).
import { BarChart, FunnelChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendPlainComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  FunnelChart,
  GridComponent,
  TooltipComponent,
  LegendPlainComponent,
  CanvasRenderer,
]);

export type Option = echarts.EChartsCoreOption;

const charts = new Map<HTMLElement, echarts.ECharts>();

export const PALETTE = [
  '#2563eb',
  '#16a34a',
  '#f59e0b',
  '#dc2626',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
];

/**
 * Draws `option` in `el` (once made, a chart is reused); `data-rendered` is set once ECharts has
 * finished drawing, which is what the browser test waits for.
 */
export function draw(el: HTMLElement, option: Option, locale: 'ZH' | 'EN'): void {
  el.removeAttribute('data-rendered');
  let chart = charts.get(el);
  if (!chart) {
    chart = echarts.init(el, undefined, { locale, renderer: 'canvas' });
    charts.set(el, chart);
  }
  const done = chart;
  done.off('finished');
  done.on('finished', () => el.setAttribute('data-rendered', 'true'));
  done.setOption({ color: PALETTE, animation: false, ...option }, { notMerge: true });
}

/** Charts no longer on the page (a tree gone from the funnels) are let go. */
export function forget(el: HTMLElement): void {
  charts.get(el)?.dispose();
  charts.delete(el);
}

window.addEventListener('resize', () => {
  for (const c of charts.values()) c.resize();
});
