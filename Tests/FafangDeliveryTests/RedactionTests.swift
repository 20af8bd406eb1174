import FafangDelivery
import Testing

@Suite("Redaction")
struct RedactionTests {
    @Test func urlsLoseTheirTokens() {
        #expect(Redaction.url("https://oapi.dingtalk.com/robot/send?access_token=abc123") == "https://oapi.dingtalk.com/robot/send?…")
        #expect(Redaction.url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K") == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…")
        #expect(Redaction.url("https://open.feishu.cn/open-apis/bot/v2/hook/abcdef") == "https://open.feishu.cn/open-apis/bot/v2/hook/…")
        #expect(Redaction.url("http://user:pass@127.0.0.1:13013/cgi-bin/sendsms") == "http://…@127.0.0.1:13013/cgi-bin/sendsms")
    }

    @Test func secretsDoNotInterpolate() {
        let secret = Secret("SEC-very-secret")
        #expect("\(secret)" == "<secret>")
        #expect(String(describing: [secret]).contains("very") == false)
    }

    @Test func transportErrorsAreRedacted() {
        let error = TransportError(kind: .connect, code: 7, call: "curl_easy_perform",
                                   message: "Failed to connect to http://h/x?token=abc for 13812345678")
        #expect(!error.description.contains("token=abc"))
        #expect(!error.description.contains("13812345678"))
        #expect(error.description.contains("138****5678"))
    }
}
