// A small bar chart drawn on the server as SVG (no chart service, no script).
export interface Bar {
  label: string;
  value: number;
}

export function BarChart({ bars, title, width = 640, height = 160 }: { bars: Bar[]; title: string; width?: number; height?: number }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const top = 16;
  const bottom = 24;
  const plot = height - top - bottom;
  const step = bars.length > 0 ? width / bars.length : width;
  const barWidth = Math.max(2, step * 0.7);
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title}>
      <title>{title}</title>
      <line x1="0" y1={top + plot} x2={width} y2={top + plot} stroke="#aeb6c2" />
      <text x="0" y="11" font-size="11" fill="#5b6472">{`max ${max}`}</text>
      {bars.map((b, i) => {
        const h = Math.round((b.value / max) * plot);
        const x = i * step + (step - barWidth) / 2;
        return (
          <g>
            <rect x={x.toFixed(1)} y={top + plot - h} width={barWidth.toFixed(1)} height={h} fill="#1f5fbf">
              <title>{`${b.label}: ${b.value}`}</title>
            </rect>
            {bars.length <= 10 || i % Math.ceil(bars.length / 10) === 0 ? (
              <text x={Math.min(width - 16, Math.max(16, x + barWidth / 2)).toFixed(1)} y={height - 8} font-size="10" text-anchor="middle" fill="#5b6472">
                {b.label.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
