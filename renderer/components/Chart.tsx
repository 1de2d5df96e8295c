// ECharts with only the parts we use registered (keeps the bundle lean). Every
// chart gets a title in its option and an accessible description on its figure.
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, BarChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, MarkLineComponent, AriaComponent, CanvasRenderer]);

export const CHART_COLORS = {
  actual: '#3f4a56',
  model: '#2f6fb0',
  band: '#2f6fb0',
  final: '#c2722b',
  sales: '#6b8e23',
  grid: '#e3e6ea',
  text: '#5b6570',
};

export function Chart({ option, label, height }: { option: EChartsOption; label: string; height: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const instance = echarts.init(ref.current!, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(ref.current!);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div className="chart" role="img" aria-label={label} ref={ref} style={{ height }} />;
}
