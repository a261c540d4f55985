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
  /** The axes' ranges before there is any data (so an empty chart still shows its axes). */
  emptyX: [number, number];
  emptyY: [number, number];
  /** Ticks on whole numbers only (e.g. passes). */
  integerX?: boolean;
}): LiveChart {
  const element = document.createElement('div');
  element.className = 'live-chart';
  const width = () => Math.max(260, Math.floor(element.clientWidth || 480));
  let hasData = false;
  let last = -1;
  const plot = new uPlot(
    {
      title: options.title,
      width: 480,
      height: options.height ?? 220,
      scales: {
        x: {
          time: false,
          range: (_, min, max) =>
            !hasData ? options.emptyX : min < max ? [min, max] : [min - 0.5, max + 0.5],
        },
        y: {
          ...(options.logScale ? { distr: 3 } : {}),
          range: (_, min, max) =>
            !hasData
              ? options.emptyY
              : options.logScale
                ? uPlot.rangeLog(min, max, 10, true)
                : uPlot.rangeNum(min, max, 0.1, true),
        },
      },
      axes: [
        {
          label: options.xLabel,
          stroke: '#55607a',
          grid: { stroke: '#eef0f6' },
          ...(options.integerX ? { incrs: [1, 2, 5, 10, 20, 50, 100] } : {}),
        },
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
      hasData = x.length > 0;
      last = x.length - 1;
      plot.setData([x, ...series] as uPlot.AlignedData);
      showLatest();
      element.dataset.points = String(x.length);
    },
    resize() {
      plot.setSize({ width: width(), height: options.height ?? 220 });
    },
  };
  /** The legend reads the latest values unless the pointer picks another point. */
  function showLatest(): void {
    if (last >= 0 && plot.cursor.left !== undefined && plot.cursor.left >= 0) return;
    if (last >= 0) plot.setLegend({ idx: last });
  }
  plot.over.addEventListener('mouseleave', () => requestAnimationFrame(showLatest));
  return chart;
}
