/**
 * The part of Apache ECharts' global API the pages use. The pages load its prebuilt script
 * (vendor/echarts/echarts.min.js) with a <script> tag before their module; when it did not load,
 * `echarts` is undefined and the figures are shown as tables only.
 */
declare namespace echarts {
  /** A chart option: series, axes, legend… as documented by ECharts. */
  type Option = Readonly<Record<string, unknown>>;

  interface Chart {
    setOption(option: Option, notMerge?: boolean): void;
    resize(): void;
    dispose(): void;
  }

  interface InitOptions {
    readonly renderer?: 'canvas' | 'svg';
  }

  function init(dom: HTMLElement, theme?: string | null, options?: InitOptions): Chart;
  function getInstanceByDom(dom: HTMLElement): Chart | undefined;
}
