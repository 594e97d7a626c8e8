import { BarChart, LineChart, MapChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import shanghaiDistricts from './shanghai-districts.json';

// Only the chart types and components the dashboard draws are bundled, in this lazily loaded
// module, so the console's first screen does not carry ECharts.
echarts.use([
  BarChart,
  LineChart,
  MapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/**
 * Shanghai's 16 districts as GeoJSON, copied from echarts 4.9.0
 * (map/json/province/shanghai.json, Apache-2.0), with one label point moved below. Features are matched by their `name`
 * (黄浦区, 徐汇区, ...), because the file gives 崇明区 no id.
 */
export const SHANGHAI_MAP = 'shanghai';

// The file's label point of 浦东新区 lies by the Huangpu, among the central districts' names.
// The map draws the name at the middle of the district's land instead.
const PUDONG_LABEL_POINT = [121.7, 31.17];

echarts.registerMap(SHANGHAI_MAP, {
  ...shanghaiDistricts,
  features: shanghaiDistricts.features.map((feature) =>
    feature.properties.name === '浦东新区'
      ? { ...feature, properties: { ...feature.properties, cp: PUDONG_LABEL_POINT } }
      : feature,
  ),
} as never);

export type EChartsOption = echarts.EChartsCoreOption;

export interface EChartHandle {
  /**
   * Returns the chart as a PNG data URL at twice its screen size, under a band with `title`,
   * on the page's background (white, or dark blue on the big screen).
   */
  toDataUrl(title: string): string | undefined;
}

// Height and font of the title band of an exported chart image, in CSS pixels.
const IMAGE_TITLE_HEIGHT = 36;
const IMAGE_TITLE_FONT = '600 15px sans-serif';
const IMAGE_PIXEL_RATIO = 2;

export interface EChartProps {
  option: EChartsOption;
  height: number;
  onClick?: (params: {
    name: string;
    dataIndex: number;
    seriesIndex?: number;
    data?: unknown;
  }) => void;
  /**
   * Called with the index of the category (x axis) under a click anywhere in the plot area, not
   * only on a data point, for charts whose columns stand for months.
   */
  onCategoryClick?: (index: number) => void;
  /** Draws on a dark background, for the big-screen mode. */
  dark?: boolean;
  testId?: string;
}

/** Returns the category index under a point of the first grid, or null outside the grid. */
function categoryAt(instance: echarts.ECharts, point: number[]): number | null {
  if (!instance.containPixel({ gridIndex: 0 }, point)) return null;
  const [value] = instance.convertFromPixel({ gridIndex: 0 }, point) as number[];
  return value === undefined || !Number.isFinite(value) ? null : Math.round(value);
}

/**
 * Calls the category handler for clicks anywhere in the plot area and shows the pointer cursor
 * there, when the chart has a handler. The whole month column is the target, not the dot.
 */
function listenToCategoryClicks(
  instance: echarts.ECharts,
  handler: { current?: (index: number) => void },
) {
  const surface = instance.getZr();
  surface.on('click', (event) => {
    if (!handler.current) return;
    const index = categoryAt(instance, [event.offsetX, event.offsetY]);
    if (index !== null) handler.current(index);
  });
  surface.on('mousemove', (event) => {
    if (!handler.current) return;
    const inside = categoryAt(instance, [event.offsetX, event.offsetY]) !== null;
    surface.setCursorStyle(inside ? 'pointer' : 'default');
  });
}

/** Renders one ECharts instance that follows its container's width. */
export const EChart = forwardRef<EChartHandle, EChartProps>(function EChart(
  { option, height, onClick, onCategoryClick, dark, testId },
  ref,
) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickHandler = useRef(onClick);
  clickHandler.current = onClick;
  const categoryHandler = useRef(onCategoryClick);
  categoryHandler.current = onCategoryClick;

  useEffect(() => {
    if (!container.current) return undefined;
    const instance = echarts.init(container.current, dark ? 'dark' : undefined);
    chart.current = instance;
    instance.on('click', (params) => clickHandler.current?.(params as never));
    listenToCategoryClicks(instance, categoryHandler);
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [dark]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
  }, [option, dark]);

  useImperativeHandle(ref, () => ({
    toDataUrl: (title: string) => {
      if (!chart.current) return undefined;
      const background = dark ? '#0b1a33' : '#ffffff';
      const drawn = chart.current.getRenderedCanvas({
        pixelRatio: IMAGE_PIXEL_RATIO,
        backgroundColor: background,
      });
      const band = IMAGE_TITLE_HEIGHT * IMAGE_PIXEL_RATIO;
      const image = document.createElement('canvas');
      image.width = drawn.width;
      image.height = drawn.height + band;
      const context = image.getContext('2d');
      if (!context) return undefined;
      context.fillStyle = background;
      context.fillRect(0, 0, image.width, image.height);
      context.scale(IMAGE_PIXEL_RATIO, IMAGE_PIXEL_RATIO);
      context.font = IMAGE_TITLE_FONT;
      context.fillStyle = dark ? '#d6e4ff' : '#262626';
      context.textBaseline = 'middle';
      context.fillText(title, 12, IMAGE_TITLE_HEIGHT / 2, drawn.width / IMAGE_PIXEL_RATIO - 24);
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.drawImage(drawn, 0, band);
      return image.toDataURL('image/png');
    },
  }));

  return <div ref={container} style={{ width: '100%', height }} data-testid={testId} />;
});
