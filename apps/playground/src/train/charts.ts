/** Live line charts (uPlot: a small canvas chart that redraws at 60 fps). */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesSpec {
  label: string;
  stroke: string;
  dash?: number[];
  /** Mark each data point (for charts with few points, such as one per pass). */
  points?: boolean;
}

export interface LiveChart {
  element: HTMLElement;
  setData(x: number[], ...series: (number | null)[][]): void;
  resize(): void;
}

export function liveChart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: SeriesSpec[];
  height?: number;
  logScale?: boolean;
}): LiveChart {
  const element = document.createElement('div');
  element.className = 'live-chart';
  const width = () => Math.max(260, Math.floor(element.clientWidth || 480));
  const plot = new uPlot(
    {
      title: options.title,
      width: 480,
      height: options.height ?? 220,
      scales: { x: { time: false }, y: options.logScale ? { distr: 3 } : {} },
      axes: [
        { label: options.xLabel, stroke: '#55607a', grid: { stroke: '#eef0f6' } },
        { label: options.yLabel, stroke: '#55607a', grid: { stroke: '#eef0f6' } },
      ],
      series: [
        { label: options.xLabel },
        ...options.series.map((spec) => ({
          label: spec.label,
          stroke: spec.stroke,
          width: 2,
          dash: spec.dash,
          points: { show: spec.points ?? false, size: 7 },
          spanGaps: true,
        })),
      ],
      legend: { show: true },
    },
    [[], ...options.series.map(() => [])],
    element,
  );
  const chart: LiveChart = {
    element,
    setData(x, ...series) {
      plot.setData([x, ...series] as uPlot.AlignedData);
      element.dataset.points = String(x.length);
    },
    resize() {
      plot.setSize({ width: width(), height: options.height ?? 220 });
    },
  };
  return chart;
}
