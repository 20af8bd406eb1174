/// A page that only says something: a refusal (403, 404, 429), an expired form, a missing login.
enum ConsoleMessagePage {
    static func render(title: String, message: String, township: String, session: ConsoleSession?,
                       link: (href: String, text: String)? = nil) -> HTML {
        let back: HTML = link.map { "<p><a href=\"\($0.href)\">\($0.text)</a></p>" } ?? ""
        let body: HTML = "\(ConsoleLayout.notice(message, error: true))\(back)"
        guard let session else { return ConsoleLayout.bare(title: title, township: township, body: body) }
        return ConsoleLayout.page(title: title, township: township, session: session, active: nil, body: body)
    }
}
