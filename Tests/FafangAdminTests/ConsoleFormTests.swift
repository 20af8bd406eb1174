@testable import FafangAdmin
import Foundation
import Testing

/// What the console reads from requests: url-encoded forms and multipart bodies, and its tokens.
@Suite("Console: forms and tokens")
struct ConsoleFormTests {
    @Test func urlEncodedFields() {
        let form = FormFields(encoded: "a=1&name=%E5%BC%A0%E4%BC%9A%E8%AE%A1&space=x+y%20z&empty=&a=2&bad=%zz%4")
        #expect(form["a"] == "1")
        #expect(form["name"] == "张会计")
        #expect(form["space"] == "x y z")
        #expect(form["empty"] == "" && form.text("empty") == nil)
        #expect(form["bad"] == "%zz%4")
        #expect(FormFields(encoded: FormFields.encode([("v", "甲村 &=?")]))["v"] == "甲村 &=?")
    }

    @Test func multipartParts() throws {
        let body = Data("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\bank.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\r\n--XyZ--\r\n".utf8)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=\"XyZ\"") == "XyZ")
        #expect(MultipartForm.boundary(contentType: "application/json") == nil)
        let form = try MultipartForm(body: body, boundary: "XyZ")
        #expect(form.field("csrf") == "abc")
        #expect(form.part("file")?.data == Data("a,b".utf8))
        #expect(LedgerUploadController.baseName(form.part("file")?.filename ?? "") == "bank.csv")
        #expect(throws: MultipartForm.Failure.self) { try MultipartForm(body: Data("no parts".utf8), boundary: "XyZ") }
    }

    @Test func tokens() {
        let a = ConsoleToken.random()
        #expect(a.count == 64 && a.allSatisfy(\.isHexDigit))
        #expect(a != ConsoleToken.random())
        #expect(ConsoleToken.equal(a, a))
        #expect(!ConsoleToken.equal(String(a.dropLast()), a))
        #expect(!ConsoleToken.equal(nil, a) && !ConsoleToken.equal("", ""))
    }
}
