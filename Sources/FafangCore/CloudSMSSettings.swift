/// Aliyun (阿里云) SMS, RPC style, API version 2017-05-25: `SendSms` for one message,
/// `SendBatchSms` for up to 100 of one kind.
public struct AliyunSMSSettings: Sendable, Hashable {
    public static let defaultEndpoint = "https://dysmsapi.aliyuncs.com/"

    public var endpoint: String
    public var accessKeyID: String
    public var accessKeySecret: SecretReference
    /// The approved 短信签名; defaults to `[sms] signature`.
    public var signName: String
    /// The approved template of each kind of message (`[gateways.NAME.templates]` and
    /// `[gateways.NAME.parameters]`): its TemplateCode, e.g. `SMS_71390007`, and the fields sent
    /// as its `${…}` variables (TemplateParam keys are the field names).
    public var templates: [DueEvent.Kind: CloudSMSTemplate]
    public var regionID: String

    public init(endpoint: String = AliyunSMSSettings.defaultEndpoint, accessKeyID: String, accessKeySecret: SecretReference,
                signName: String, templates: [DueEvent.Kind: CloudSMSTemplate], regionID: String = "cn-hangzhou") {
        self.endpoint = endpoint
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.signName = signName
        self.templates = templates
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
    /// The approved template of each kind of message: its TemplateId and the fields sent as its
    /// `TemplateParamSet`, in the template's order ({1}, {2}, …).
    public var templates: [DueEvent.Kind: CloudSMSTemplate]

    public init(endpoint: String = TencentSMSSettings.defaultEndpoint, secretID: String, secretKey: SecretReference,
                region: String = "ap-guangzhou", smsSdkAppID: String, signName: String,
                templates: [DueEvent.Kind: CloudSMSTemplate]) {
        self.endpoint = endpoint
        self.secretID = secretID
        self.secretKey = secretKey
        self.region = region
        self.smsSdkAppID = smsSdkAppID
        self.signName = signName
        self.templates = templates
    }
}

/// One vendor-approved SMS template of a cloud gateway: the code that names it and the message
/// fields that fill its variables.
///
/// A cloud gateway never sends Fafang's rendered text: the vendor fills its own approved text with
/// these parameters. `parameters` are names of the fields the Mustache templates of the same kind
/// see (`payee_name`, `amount`, `payment_date`…), in the vendor template's order (Tencent's
/// `{1}`, `{2}`…; for Aliyun the order does not matter, the names are the `${…}` variable names).
public struct CloudSMSTemplate: Sendable, Hashable {
    /// Aliyun's TemplateCode (`SMS_71390007`) or Tencent's TemplateId (`1110`).
    public var code: String
    public var parameters: [String]

    public init(code: String, parameters: [String]) {
        self.code = code
        self.parameters = parameters
    }
}
