/// The login form (`/console/login`): account and password, with the pre-login CSRF token.
enum LoginPage {
    static func render(township: String, token: String, account: String = "", error: String? = nil) -> HTML {
        let notice: HTML = error.map { ConsoleLayout.notice($0, error: true) } ?? ""
        return ConsoleLayout.bare(title: "登录", township: township, body: """
        \(notice)
        <form method="post" action="/console/login" class="login">
        <input type="hidden" name="csrf" value="\(token)">
        <label>用户名<input type="text" name="account" value="\(account)" autocomplete="username" autocapitalize="none" required autofocus></label>
        <label>密码<input type="password" name="password" autocomplete="current-password" required></label>
        <button type="submit">登录</button>
        </form>
        <p class="muted">账号由财政所管理员用 <code>fafang passwd</code> 设置。</p>
        """)
    }
}
