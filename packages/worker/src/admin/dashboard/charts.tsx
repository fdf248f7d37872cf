// Small server-rendered SVG charts: no script, no CDN. Every chart names itself (<title>, <desc>
// read by screen readers) and prints its values next to the marks, so it is readable without
// hovering and a test can read the same text a person does. Colours come from admin.css
// (`.chart .series-<key>`).

const WIDTH = 1000
const LABEL_WIDTH = 150
const VALUE_WIDTH = 190
const BAR_HEIGHT = 18
const BAR_GAP = 4
const GROUP_GAP = 18
const LEGEND_HEIGHT = 28

export type ChartSeries = { key: string; name: string }

/** One bar: `value` sets its length (against the chart's `max`), `text` is what it says. */
export type Bar = { series: string; value: number | null; text: string }
export type BarGroup = { key: string; label: string; bars: Bar[] }

function Legend(props: { series: ChartSeries[]; mark: 'box' | 'line' }) {
  let x = 0
  return (
    <g class="legend" aria-hidden="true">
      {props.series.map((series) => {
        const at = x
        x += 28 + series.name.length * 7.5
        return (
          <g>
            {props.mark === 'box' ? (
              <rect class={`series-${series.key}`} x={at} y={4} width={14} height={14} rx={3} />
            ) : (
              <line class={`line series-${series.key}`} x1={at} y1={11} x2={at + 16} y2={11} />
            )}
            <text x={at + 20} y={16}>
              {series.name}
            </text>
          </g>
        )
      })}
    </g>
  )
}

/**
 * A horizontal bar chart, bars grouped by category (one bar per series in each group), each bar
 * labelled with its `text`. Bar lengths are `value / max`.
 * @example <BarChart id="shares" title="Share of visits and revenue" description="..." series={[{ key: 'traffic', name: 'Visits' }]} groups={groups} max={1} />
 */
export function BarChart(props: {
  id: string
  title: string
  description: string
  series: ChartSeries[]
  groups: BarGroup[]
  max: number
}) {
  const legend = props.series.length > 1 ? LEGEND_HEIGHT : 0
  const groupHeight = props.series.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
  const height = legend + props.groups.length * (groupHeight + GROUP_GAP) - GROUP_GAP + 4
  const area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
  const names = new Map(props.series.map((series) => [series.key, series.name]))
  return (
    <svg
      class="chart"
      id={props.id}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.description}</desc>
      {legend ? <Legend series={props.series} mark="box" /> : null}
      {props.groups.map((group, index) => {
        const top = legend + index * (groupHeight + GROUP_GAP)
        return (
          <g class="group" data-group={group.key}>
            <text class="label" x={0} y={top + groupHeight / 2 + 5}>
              {group.label}
            </text>
            {group.bars.map((bar, i) => {
              const y = top + i * (BAR_HEIGHT + BAR_GAP)
              const share =
                bar.value === null || props.max <= 0
                  ? 0
                  : Math.min(1, Math.max(0, bar.value / props.max))
              // A tiny but non-zero value still shows a sliver, so "0" and "almost 0" differ.
              const length = share === 0 ? 0 : Math.max(2, share * area)
              return (
                <g class="bar" data-series={bar.series}>
                  <rect
                    class={`series-${bar.series}`}
                    x={LABEL_WIDTH}
                    y={y}
                    width={length}
                    height={BAR_HEIGHT}
                    rx={3}
                  >
                    <title>
                      {group.label}, {names.get(bar.series) ?? bar.series}: {bar.text}
                    </title>
                  </rect>
                  <text
                    class="value"
                    x={LABEL_WIDTH + length + 6}
                    y={y + BAR_HEIGHT - 4}
                    data-group={group.key}
                    data-series={bar.series}
                  >
                    {bar.text}
                  </text>
                </g>
              )
            })}
          </g>
        )
      })}
    </svg>
  )
}

export type LineSeries = ChartSeries & { values: (number | null)[]; texts: string[] }

const LINE_HEIGHT = 270
// Room below the plot for a value label under a point at 0, then the x labels.
const PAD = { left: 48, right: 36, top: LEGEND_HEIGHT + 14, bottom: 48 }

/**
 * A line chart over evenly spaced points (`labels` under the x axis), y from 0 to `max`, each
 * point labelled with its text: the first series above its points, the others below.
 * @example <LineChart id="trend" title="..." description="..." labels={['Jan 31']} series={series} max={1} ticks={[{ value: 0, text: '0%' }]} />
 */
export function LineChart(props: {
  id: string
  title: string
  description: string
  labels: string[]
  series: LineSeries[]
  max: number
  ticks: { value: number; text: string }[]
}) {
  const inner = { width: WIDTH - PAD.left - PAD.right, height: LINE_HEIGHT - PAD.top - PAD.bottom }
  const count = props.labels.length
  const x = (index: number) =>
    PAD.left + (count === 1 ? inner.width / 2 : (index * inner.width) / (count - 1))
  const y = (value: number) =>
    PAD.top + inner.height - (Math.min(props.max, Math.max(0, value)) / props.max) * inner.height
  // Fewer x labels when they would overlap: every second one past 8 points.
  const step = count > 8 ? 2 : 1
  return (
    <svg
      class="chart"
      id={props.id}
      viewBox={`0 0 ${WIDTH} ${LINE_HEIGHT}`}
      width={WIDTH}
      height={LINE_HEIGHT}
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.description}</desc>
      <Legend series={props.series} mark="line" />
      <g class="grid" aria-hidden="true">
        {props.ticks.map((tick) => (
          <g>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick.value)} y2={y(tick.value)} />
            <text class="axis" x={PAD.left - 8} y={y(tick.value) + 4} text-anchor="end">
              {tick.text}
            </text>
          </g>
        ))}
        {props.labels.map((label, index) =>
          (count - 1 - index) % step === 0 ? (
            <text class="axis" x={x(index)} y={LINE_HEIGHT - 6} text-anchor="middle">
              {label}
            </text>
          ) : null,
        )}
      </g>
      {props.series.map((series, s) => {
        const points = series.values.map((value, index) =>
          value === null ? null : { x: x(index), y: y(value), index },
        )
        // A gap (no value) breaks the line instead of drawing it down to zero.
        const path = points
          .map((point, index) =>
            point
              ? `${index > 0 && points[index - 1] ? 'L' : 'M'}${point.x.toFixed(1)},${point.y.toFixed(1)}`
              : '',
          )
          .join('')
        return (
          <g class="series" data-series={series.key}>
            {path ? <path class={`line series-${series.key}`} d={path} /> : null}
            {points.map((point) =>
              point ? (
                <g class="point">
                  <circle class={`series-${series.key}`} cx={point.x} cy={point.y} r={4}>
                    <title>
                      {props.labels[point.index]}, {series.name}: {series.texts[point.index]}
                    </title>
                  </circle>
                  <text
                    class="value"
                    x={point.x}
                    y={s === 0 ? point.y - 9 : point.y + 18}
                    text-anchor="middle"
                    data-series={series.key}
                    data-index={point.index}
                  >
                    {series.texts[point.index]}
                  </text>
                </g>
              ) : null,
            )}
          </g>
        )
      })}
    </svg>
  )
}
