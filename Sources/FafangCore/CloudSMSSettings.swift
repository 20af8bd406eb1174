/// Aliyun (阿里云) SMS `SendSms`, RPC style, API version 2017-05-25.
public struct AliyunSMSSettings: Sendable, Hashable {
    public static let defaultEndpoint = "https://dysmsapi.aliyuncs.com/"

    public var endpoint: String
    public var accessKeyID: String
    public var accessKeySecret: SecretReference
    /// The approved 短信签名; defaults to `[sms] signature`.
    public var signName: String
    /// The approved template, e.g. `SMS_71390007`; its variables come from the message's
    /// template parameters.
    public var templateCode: String
    public var regionID: String

    public init(endpoint: String = AliyunSMSSettings.defaultEndpoint, accessKeyID: String, accessKeySecret: SecretReference,
                signName: String, templateCode: String, regionID: String = "cn-hangzhou") {
        self.endpoint = endpoint
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.signName = signName
        self.templateCode = templateCode
        self.regionID = regionID
    }
}

/// Tencent Cloud (腾讯云) SMS `SendSms`, API version 2021-01-11, signed with TC3-HMAC-SHA256.
public struct TencentSMSSettings: Sendable, Hashable {
    public static let defaultEndpoint = "https://sms.tencentcloudapi.com/"

    public var endpoint: String
    public var secretID: String
    public var secretKey: SecretReference
    /// `ap-guangzhou`, `ap-beijing` or `ap-nanjing`.
    public var region: String
    public var smsSdkAppID: String
    /// The approved 短信签名; defaults to `[sms] signature`.
    public var signName: String
    public var templateID: String
    /// The names of the message's template parameters, in the template's order
    /// (`TemplateParamSet` is a list: {1}, {2}, …).
    public var templateParameters: [String]

    public init(endpoint: String = TencentSMSSettings.defaultEndpoint, secretID: String, secretKey: SecretReference,
                region: String = "ap-guangzhou", smsSdkAppID: String, signName: String, templateID: String,
                templateParameters: [String] = []) {
        self.endpoint = endpoint
        self.secretID = secretID
        self.secretKey = secretKey
        self.region = region
        self.smsSdkAppID = smsSdkAppID
        self.signName = signName
        self.templateID = templateID
        self.templateParameters = templateParameters
    }
}
