import Foundation
import HTTPTypes
import FafangConfig
import Hummingbird

/// The console's cookies: the session (`fafang_session`) and the login form's token
/// (`fafang_login`, for the login's CSRF check before there is a session). Both HttpOnly and
/// SameSite=Strict; Secure as `[console] secure_cookies` says.
enum ConsoleCookies {
    static let session = "fafang_session"
    static let login = "fafang_login"
    /// How long a login form may be left open before it is sent.
    static let loginMaxAge = 900

    /// The value of cookie `name` in the request's `Cookie` headers.
    static func value(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals] == name { return String(trimmed[trimmed.index(after: equals)...]) }
            }
        }
        return nil
    }

    /// Whether cookies must carry Secure: always, never, or (auto) when the request came over
    /// TLS to the proxy in front (`X-Forwarded-Proto: https`).
    static func secure(_ request: Request, _ setting: ConsoleSettings.SecureCookies) -> Bool {
        switch setting {
        case .always: return true
        case .never: return false
        case .auto:
            let proto = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.split(separator: ",").first
            return proto?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
        }
    }

    static func sessionCookie(_ id: String, secure: Bool) -> String {
        attributes("\(session)=\(id); Path=/", secure: secure)
    }

    static func loginCookie(_ token: String, secure: Bool) -> String {
        attributes("\(login)=\(token); Path=/console/login; Max-Age=\(loginMaxAge)", secure: secure)
    }

    /// Tells the browser to forget cookie `name` of `path`.
    static func expired(_ name: String, path: String, secure: Bool) -> String {
        attributes("\(name)=; Path=\(path); Max-Age=0", secure: secure)
    }

    private static func attributes(_ text: String, secure: Bool) -> String {
        text + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
