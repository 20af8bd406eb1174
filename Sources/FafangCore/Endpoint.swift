/// A webhook endpoint of a village committee or the office: a group robot or a signed JSON webhook.
///
/// Its URL may carry a token and is never printed whole; secrets are referenced (files or systemd
/// credentials), never written in the config. `[endpoints.NAME]` in fafang.toml.
public struct Endpoint: Sendable, Hashable {
    /// Which service the endpoint is.
    public enum Kind: String, CaseIterable, Sendable {
        /// DingTalk custom robot (钉钉自定义机器人), optionally signed (加签).
        case dingtalk
        /// WeCom group robot (企业微信群机器人).
        case wecom
        /// Feishu/Lark custom bot (飞书自定义机器人), optionally signed.
        case feishu
        /// A Standard Webhooks signed JSON POST (standardwebhooks.com).
        case webhook

        /// Group robots take 20 messages a minute; a signed webhook has no such limit.
        public var isRobot: Bool { self != .webhook }
    }

    /// How a robot shows the text (DingTalk and WeCom only).
    public enum Format: String, CaseIterable, Sendable {
        case text, markdown
    }

    public var name: String
    public var kind: Kind
    /// The URL itself, for URLs without a token (loopback sinks, signed webhooks).
    public var url: String?
    /// Where the URL is kept when it carries a token (`url_file`, `url_credential`).
    public var urlSecret: SecretReference?
    /// The signing secret (`secret_file`, `secret_credential`): DingTalk `SEC…`, Feishu, or one
    /// Standard Webhooks `whsec_…` secret.
    public var secret: SecretReference?
    /// Several `whsec_…` secrets, one per line, all signing every message while a secret is
    /// rotated (`secrets_file`, `secrets_credential`; webhooks only).
    public var secrets: SecretReference?
    public var format: Format

    public init(name: String, kind: Kind, url: String? = nil, urlSecret: SecretReference? = nil,
                secret: SecretReference? = nil, secrets: SecretReference? = nil, format: Format = .text) {
        self.name = name
        self.kind = kind
        self.url = url
        self.urlSecret = urlSecret
        self.secret = secret
        self.secrets = secrets
        self.format = format
    }

    /// Scheme, host and path of the URL, without its query (where robots keep their tokens).
    public var redactedURL: String {
        guard let url else { return urlSecret.map { "(url in \($0))" } ?? "(no url)" }
        return url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }
}
