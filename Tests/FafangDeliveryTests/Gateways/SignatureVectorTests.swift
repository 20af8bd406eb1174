import FafangCore
@testable import FafangDelivery
import Foundation
import Testing

/// Each signing scheme against a vector its vendor published, or, where none is published with
/// an unmasked secret, one computed independently (the Python is in each comment).
@Suite("Gateways: signature vectors")
struct SignatureVectorTests {
    /// Published by the Standard Webhooks project: the "sign function works" test of its
    /// reference libraries (libraries/javascript/src/webhook.test.ts, and the same values in the
    /// PHP, Python… test suites of github.com/standard-webhooks/standard-webhooks).
    @Test func standardWebhooksPublishedVector() throws {
        let signer = try StandardWebhookSigner(secrets: [Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")])
        let signature = signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                         body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func standardWebhooksSignsWithEverySecretDuringRotation() throws {
        let signer = try StandardWebhookSigner(secrets: [Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                                                         Secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")])
        let signature = signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                         body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test(arguments: ["whsec_not base64!", "whsec_c2hvcnQ=", ""])
    func standardWebhooksRefusesBadSecretsWithoutQuotingThem(secret: String) {
        #expect {
            _ = try StandardWebhookSigner(secrets: [Secret(secret)])
        } throws: { error in
            let text = "\(error)"
            return !text.isEmpty && (secret.isEmpty || !text.contains(secret))
        }
    }

    /// DingTalk documents the algorithm (timestamp + "\n" + secret, HMAC-SHA256 keyed with the
    /// secret, base64, URL-encode) but publishes no output for a known secret; computed with:
    /// python3 -c 'import hmac,hashlib,base64,urllib.parse; s="SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";
    ///   t="1624150800000"; print(urllib.parse.quote_plus(base64.b64encode(hmac.new(s.encode(), (t+"\n"+s).encode(), hashlib.sha256).digest())))'
    @Test func dingTalkIndependentVector() {
        let sign = DingTalkRobotGateway.sign(timestampMilliseconds: 1_624_150_800_000,
                                             secret: Secret("SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"))
        #expect(sign == "jnPDEVRoMA6J%2BLv3hNE4gp70eCnYT4wj9cyUsf6Zbfg%3D")
    }

    @Test func dingTalkAppendsTimestampAndSignToTheTokenURL() throws {
        let request = try GatewayTestKit.dingtalk().request(for: GatewayTestKit.robotMessage("village-v01"), now: GatewayTestKit.now)
        #expect(request.url.hasPrefix("https://oapi.dingtalk.com/robot/send?access_token=TOKEN-DINGTALK-0123456789&timestamp=1624150800000&sign="))
    }

    /// Feishu documents the algorithm (key = timestamp + "\n" + secret, HMAC-SHA256 of an empty
    /// message, base64); its demos print no value for a known secret; computed with:
    /// python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b"1624150800\nfafang-feishu-demo-secret", b"", hashlib.sha256).digest()).decode())'
    @Test func feishuIndependentVector() {
        #expect(FeishuBotGateway.sign(timestampSeconds: 1_624_150_800, secret: Secret("fafang-feishu-demo-secret"))
            == "aVxfuR0pQ4kYLQHicU8v9428QyP/FTGd2e82BSqlsb8=")
    }

    /// Aliyun's documented example for SendSms (短信服务 "HTTP协议及签名"/签名机制: AccessKeyId testId,
    /// secret testSecret, nonce 45e25e9b-…, 2017-07-12T02:42:19Z), reproduced by many SDKs' tests.
    @Test func aliyunDocumentedExample() {
        let parameters = [
            "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
            "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
            "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007", "TemplateParam": #"{"customer":"test"}"#,
            "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25",
        ]
        let query = AliyunRPCSignature.canonicalQuery(parameters)
        #expect(query == "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou"
            + "&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8"
            + "&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0"
            + "&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z"
            + "&Version=2017-05-25")
        let stringToSign = AliyunRPCSignature.stringToSign(canonicalQuery: query)
        #expect(stringToSign.hasPrefix("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML"))
        #expect(AliyunRPCSignature.signature(stringToSign: stringToSign, accessKeySecret: Secret("testSecret"))
            == "zJDF+Lrzhj/ThnlvIToysFRq6t4=")
        #expect(AliyunRPCSignature.signedQuery(parameters, accessKeySecret: Secret("testSecret"))
            .hasPrefix("Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&AccessKeyId=testId"))
    }

    @Test(arguments: [("a b", "a%20b"), ("a*b", "a%2Ab"), ("a~b", "a~b"), ("a+b", "a%2Bb"), ("签", "%E7%AD%BE"), ("/", "%2F")])
    func aliyunPercentEncoding(plain: String, encoded: String) {
        #expect(PercentEncoding.encode(plain) == encoded)
        #expect(PercentEncoding.decode(encoded) == plain)
    }

    /// Tencent Cloud's documented example for signature v3 (签名方法 v3, CVM DescribeInstances,
    /// X-TC-Timestamp 1551113065): the document gives SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE in its
    /// derivation section and every intermediate value; all are checked here.
    @Test func tencentDocumentedExample() {
        let body = Array(#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#.utf8)
        let canonical = TC3Signer.canonicalRequest(contentType: "application/json; charset=utf-8", host: "cvm.tencentcloudapi.com", body: body)
        #expect(canonical == "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n"
            + "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
        let signer = TC3Signer(secretID: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secretKey: Secret("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"), service: "cvm")
        let stringToSign = signer.stringToSign(canonicalRequest: canonical, timestamp: 1_551_113_065)
        #expect(stringToSign == "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
        #expect(signer.signature(stringToSign: stringToSign, timestamp: 1_551_113_065)
            == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
        #expect(signer.authorization(contentType: "application/json; charset=utf-8", host: "cvm.tencentcloudapi.com", body: body, timestamp: 1_551_113_065)
            == "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, "
            + "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
    }

    /// The UTC date, not the local one: 1551113065 is 2019-02-26 00:44:25 in Beijing.
    @Test func tencentDateIsUTC() {
        #expect(TC3Signer.date(1_551_113_065) == "2019-02-25")
    }
}
