import FafangCore

/// The token-like parts of a URL (query values, the last path segment of a Feishu hook), as
/// secrets to scrub from reasons: a reply that quotes `access_token=…` must not carry it on.
enum URLTokens {
    static func secrets(in url: Secret) -> [Secret] {
        let text = url.reveal
        var tokens: [String] = []
        if let query = text.split(separator: "?", maxSplits: 1).dropFirst().first {
            for pair in query.split(separator: "&") {
                if let value = pair.split(separator: "=", maxSplits: 1).dropFirst().first { tokens.append(String(value)) }
            }
        }
        if let hook = text.range(of: "/hook/") {
            tokens.append(String(text[hook.upperBound...].prefix { $0 != "?" && $0 != "/" }))
        }
        return tokens.filter { $0.count >= 8 }.map(Secret.init)
    }
}
