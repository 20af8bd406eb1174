import FafangCore

/// The frame of every console page: the township and the operator (name, role, 退出) in the
/// header, the sections in the nav, the page's own body. Every page of the console (and the
/// overview, project and 公示 pages) renders through it.
public enum ConsoleLayout {
    /// The sections of the nav.
    public enum Section: String, Sendable, CaseIterable {
        case overview, batches, deliveries, outbox, ledger, audit, publicReport

        public var title: String {
            switch self {
            case .overview: return "总览"
            case .batches: return "审核"
            case .deliveries: return "发送记录"
            case .outbox: return "外发队列"
            case .ledger: return "录入付款"
            case .audit: return "审计日志"
            case .publicReport: return "公示"
            }
        }

        public var path: String {
            switch self {
            case .overview: return "/console/"
            case .batches: return "/console/batches"
            case .deliveries: return "/console/deliveries"
            case .outbox: return "/console/outbox"
            case .ledger: return "/console/ledger"
            case .audit: return "/console/audit"
            case .publicReport: return "/public/"
            }
        }
    }

    /// A page for a logged-in operator; `active` is marked in the nav.
    public static func page(title: String, township: String, session: ConsoleSession, active: Section?, body: HTML) -> HTML {
        let links = Section.allCases.map { section -> HTML in
            section == active
                ? "<a href=\"\(section.path)\" aria-current=\"page\">\(section.title)</a>"
                : "<a href=\"\(section.path)\">\(section.title)</a>"
        }
        let header: HTML = """
        <header class="top">
        <div class="township">\(township) · 财政所</div>
        <div class="operator">\(session.displayName)（\(ConsoleText.role(session.role))）
        <form method="post" action="/console/logout" class="inline">\(csrfField(session))<button type="submit" class="link">退出</button></form></div>
        </header>
        <nav class="sections">\(HTML.join(links))</nav>
        """
        return document(title: title, township: township, header: header, body: body)
    }

    /// A page without an operator: the login, an expired session, the public report.
    public static func bare(title: String, township: String, body: HTML) -> HTML {
        document(title: title, township: township, header: "<header class=\"top\"><div class=\"township\">\(township) · 财政所</div></header>", body: body)
    }

    /// The hidden field every form posted by `session` carries.
    public static func csrfField(_ session: ConsoleSession) -> HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf)\">" }

    /// A notice above a page's content (after an action).
    public static func notice(_ text: String, error: Bool = false) -> HTML {
        "<p class=\"\(error ? "notice error" : "notice")\" role=\"status\">\(text)</p>"
    }

    private static func document(title: String, township: String, header: HTML, body: HTML) -> HTML {
        """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · \(township)</title>
        <link rel="stylesheet" href="/console/static/console.css">
        </head>
        <body>
        \(header)
        <main>
        <h1>\(title)</h1>
        \(body)
        </main>
        </body>
        </html>

        """
    }
}
