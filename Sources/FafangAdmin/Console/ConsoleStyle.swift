import HTTPTypes
import Hummingbird

/// The console's one stylesheet, served from the binary (`/console/static/console.css`): plain,
/// readable on a small laptop screen, and printable on A4 without the nav and the buttons.
enum ConsoleStyle {
    static let path = "/console/static/console.css"

    static var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/css; charset=utf-8"
        headers[.cacheControl] = "max-age=3600"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: css + ReportStyles.css)))
    }

    static let css = """
    :root { --ink: #1d2330; --muted: #5b6474; --line: #d5d9e0; --accent: #a4262c; --paper: #ffffff; --band: #f4f5f7; --ok: #1e6b3a; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--ink); background: var(--band);
      font: 15px/1.55 "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
    header.top { display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap; gap: .5rem;
      padding: .6rem 1rem; background: var(--accent); color: #fff; }
    header.top .township { font-weight: 600; font-size: 1.05rem; }
    header.top .operator { display: flex; align-items: center; gap: .6rem; }
    nav.sections { display: flex; flex-wrap: wrap; gap: .2rem; padding: .3rem 1rem; background: var(--paper); border-bottom: 1px solid var(--line); }
    nav.sections a { padding: .35rem .7rem; border-radius: 4px; color: var(--ink); text-decoration: none; }
    nav.sections a:hover { background: var(--band); }
    nav.sections a[aria-current="page"] { background: var(--ink); color: #fff; }
    main { max-width: 72rem; margin: 1rem auto; padding: 1rem 1.2rem; background: var(--paper); border: 1px solid var(--line); border-radius: 6px; }
    h1 { font-size: 1.3rem; margin: 0 0 .8rem; }
    h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
    a { color: #1f4e8c; }
    table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; font-size: .93rem; }
    th, td { padding: .35rem .5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    th { background: var(--band); font-weight: 600; white-space: nowrap; }
    table.counts { width: auto; min-width: 18rem; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td.text { max-width: 28rem; }
    ul.events { margin: 0; padding-left: 1rem; color: var(--muted); font-size: .88rem; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; font-weight: 600; }
    form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; margin-bottom: 1rem; }
    form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
    form.inline { display: inline; margin: 0; }
    form.decision { margin: .8rem 0; padding: .8rem; border: 1px solid var(--line); border-radius: 6px; }
    input, select, textarea, button { font: inherit; }
    input[type=text], input[type=password], input[type=date], select, textarea { padding: .3rem .45rem; border: 1px solid #aab1bd; border-radius: 4px; }
    textarea { width: 100%; min-height: 4rem; }
    button { padding: .35rem .9rem; border: 1px solid var(--ink); border-radius: 4px; background: var(--ink); color: #fff; cursor: pointer; }
    button.secondary { background: #fff; color: var(--ink); }
    button.danger { background: var(--accent); border-color: var(--accent); }
    button.link { padding: 0; border: 0; background: none; color: #fff; text-decoration: underline; }
    .notice { padding: .5rem .8rem; border-left: 4px solid var(--ok); background: #eef6f0; }
    .notice.error { border-left-color: var(--accent); background: #fbeeee; }
    .muted { color: var(--muted); }
    .state-open, .state-held, .state-dead, .state-failed { color: var(--accent); font-weight: 600; }
    .state-approved, .state-delivered { color: var(--ok); }
    .login { max-width: 22rem; }
    .login label { display: block; margin: .6rem 0; }
    .login input { width: 100%; }
    .pager { display: flex; gap: 1rem; }
    @media (max-width: 40rem) { main { margin: 0; border-radius: 0; } table { font-size: .85rem; } }
    @page { size: A4; margin: 15mm; }
    @media print {
      body { background: #fff; font-size: 11pt; }
      nav, form, button, .pager, header.top .operator { display: none !important; }
      header.top { background: none; color: #000; padding: 0 0 4mm; border-bottom: 1px solid #000; }
      main { max-width: none; margin: 0; padding: 0; border: 0; }
      a { color: #000; text-decoration: none; }
      tr { break-inside: avoid; }
    }

    """
}
