import { BarChart, GaugeChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([
  LineChart,
  BarChart,
  PieChart,
  GaugeChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  MarkAreaComponent,
  VisualMapComponent,
  HeatmapChart,
  CanvasRenderer,
]);

/**
 * The dark theme and the big screen: light text without halos, faint gridlines, and the palette's
 * lighter colours first (the deep blue vanishes on navy).
 */
const MUTED = '#93a3bd';
const FAINT = 'rgba(147, 163, 189, 0.14)';
const axis = {
  axisLine: { lineStyle: { color: '#3a4a66' } },
  axisTick: { lineStyle: { color: '#3a4a66' } },
  axisLabel: { color: MUTED },
  splitLine: { lineStyle: { color: FAINT } },
};
echarts.registerTheme('zhongtai-dark', {
  backgroundColor: 'transparent',
  textStyle: { color: '#d5deeb' },
  legend: { textStyle: { color: '#d5deeb' } },
  categoryAxis: axis,
  valueAxis: axis,
  pie: { label: { color: '#d5deeb', textBorderWidth: 0 }, itemStyle: { borderColor: '#111a2e' } },
  tooltip: { backgroundColor: '#1b2742', borderColor: '#3a4a66', textStyle: { color: '#e6edf7' } },
});
const DARK_COLOURS = ['#E69F00', '#56B4E9', '#D55E00', '#009E73', '#CC79A7', '#F0E442', '#0072B2', '#999999'];
const darkNow = () => document.body.classList.contains('dark') || document.body.classList.contains('screen');
/** In the dark theme the option's own colours give way to the lighter ones first. */
const forTheme = (option: echarts.EChartsCoreOption, dark: boolean): echarts.EChartsCoreOption =>
  dark && Array.isArray(option.color) ? { ...option, color: DARK_COLOURS } : option;

/** One ECharts instance per mounted chart, resized with its box and disposed with it. */
export function Chart({
  option,
  height = 300,
  testId,
  onPick,
}: {
  option: echarts.EChartsCoreOption;
  height?: number;
  testId?: string;
  /** Called with the category (x-axis value) of a clicked mark. */
  onPick?: (category: string) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const shown = useRef(option);
  shown.current = option;
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let dark = darkNow();
    const start = () => {
      chart.current = echarts.init(element, dark ? 'zhongtai-dark' : undefined);
      chart.current.on('click', (params) => {
        // A donut's slice carries its coded value (a format's code, not its label).
        const raw = (params.data as { raw?: unknown } | undefined)?.raw;
        const category =
          params.componentType === 'xAxis' || params.componentType === 'yAxis'
            ? (params as { value?: unknown }).value
            : (raw ?? params.name);
        if (typeof category === 'string' && category) pick.current?.(category);
      });
    };
    // The first option is set by the effect below, which runs next.
    start();
    const observer = new ResizeObserver(() => chart.current?.resize());
    observer.observe(element);
    // A theme switched on the page (dark, big screen) redraws the chart in it.
    const themes = new MutationObserver(() => {
      if (darkNow() === dark) return;
      dark = darkNow();
      chart.current?.dispose();
      start();
      chart.current?.setOption(forTheme(shown.current, dark), true);
    });
    themes.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    return () => {
      observer.disconnect();
      themes.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(forTheme(option, darkNow()), true);
  }, [option]);
  return <div ref={box} style={{ height, cursor: onPick ? 'pointer' : undefined }} data-testid={testId} />;
}
