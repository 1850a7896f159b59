import { BarChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
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
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  VisualMapComponent,
  HeatmapChart,
  CanvasRenderer,
]);

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
  useEffect(() => {
    if (!box.current) return;
    chart.current = echarts.init(box.current);
    chart.current.on('click', (params) => {
      // A donut's slice carries its coded value (a format's code, not its label).
      const raw = (params.data as { raw?: unknown } | undefined)?.raw;
      const category =
        params.componentType === 'xAxis' ? (params as { value?: unknown }).value : (raw ?? params.name);
      if (typeof category === 'string' && category) pick.current?.(category);
    });
    const observer = new ResizeObserver(() => chart.current?.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={box} style={{ height, cursor: onPick ? 'pointer' : undefined }} data-testid={testId} />;
}
