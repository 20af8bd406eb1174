/// The styles of the progress pages: figures, charts, grades and the A4 notice (公示). Served
/// with the console's own in one stylesheet (`/console/static/console.css`).
enum ReportStyles {
    static let css = """
        .summary { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
        .figure { border: 1px solid #c9d1d9; border-radius: 4px; padding: 8px 14px; min-width: 150px; background: #fff; }
        .figure-label { color: #57606a; font-size: 13px; }
        .figure-value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
        .chart-and-table { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        .chart-and-table h2 { flex-basis: 100%; }
        .chart-and-table table { flex: 1 1 360px; }
        svg.chart { max-width: 100%; height: auto; background: #fff; border: 1px solid #d0d7de; }
        svg.chart .grid { stroke: #e5e7eb; stroke-width: 1; }
        svg.chart .axis, svg.chart .label, svg.chart .value { font-size: 12px; fill: #374151; }
        svg.chart .track { fill: #f3f4f6; }
        svg.chart .bar.on-track { fill: #2f855a; }
        svg.chart .bar.slightly-behind { fill: #d69e2e; }
        svg.chart .bar.behind { fill: #c53030; }
        svg.chart .target { stroke: #111827; stroke-width: 2; }
        svg.chart .today { stroke: #9ca3af; stroke-dasharray: 2 3; }
        svg.chart .plan { stroke: #2b6cb0; stroke-width: 2; stroke-dasharray: 6 4; }
        svg.chart .paid { stroke: #c05621; stroke-width: 2.5; }
        svg.chart .plan-mark { fill: #2b6cb0; }
        .grade { padding: 1px 6px; border-radius: 3px; font-size: 13px; color: #fff; white-space: nowrap; }
        .grade.on-track { background: #2f855a; }
        .grade.slightly-behind { background: #b7791f; }
        .grade.behind { background: #c53030; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .code { color: #6b7280; font-size: 12px; }
        .meta { color: #4b5563; }
        .warning { color: #9c4221; }
        .pager a { margin-right: 12px; }
        .public { max-width: 800px; margin: 0 auto; }
        .village ul { margin: 4px 0 12px 0; }
        article.gongshi h1 { text-align: center; font-size: 24px; letter-spacing: 2px; }
        article.gongshi table.facts { width: 100%; border-collapse: collapse; margin-bottom: 14px; }
        article.gongshi table.facts th, article.gongshi table.facts td { border: 1px solid #333; padding: 6px 10px; text-align: left; }
        article.gongshi table.facts th { width: 30%; background: #f6f6f6; }
        article.gongshi .hotline { margin-top: 18px; }
        article.gongshi .signed { text-align: right; margin-top: 24px; }
        @media print {
            @page { size: A4; margin: 18mm 15mm; }
            .no-print, header.site nav, form, button { display: none !important; }
            body { background: #fff; color: #000; font-size: 12pt; }
            svg.chart, .figure { border-color: #999; }
            article.gongshi h1 { font-size: 20pt; }
            table.data, article.gongshi table { page-break-inside: auto; }
            tr { page-break-inside: avoid; }
        }
        """
}
