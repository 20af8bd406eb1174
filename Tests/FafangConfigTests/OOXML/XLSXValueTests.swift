import FafangCore
import Testing
@testable import FafangConfig

/// Cell values as Excel shows them, without `Double`.
@Suite("XLSX values")
struct XLSXValueTests {
    @Test(arguments: [
        ("13812345678", "13812345678"), ("13812345678.0", "13812345678"), ("1.3812345678E10", "13812345678"),
        ("1.3812345678e+10", "13812345678"), ("1234.5", "1234.5"), ("1234.50", "1234.5"), ("0.1", "0.1"),
        ("1980.0000000000002", "1980"), ("0.30000000000000004", "0.3"), ("71496", "71496"), ("-12.5", "-12.5"),
        ("5E-3", "0.005"), ("0", "0"), ("-0", "0"), ("99999999999999999", "100000000000000000"), ("007", "7"),
    ])
    func numbers(raw: String, shown: String) {
        #expect(XLSXValue.number(raw) == shown)
    }

    @Test(arguments: ["", "abc", "1.2.3", "1e", "--1", "."])
    func notNumbers(raw: String) {
        #expect(XLSXValue.number(raw) == nil)
    }

    @Test func serialDatesIn1900WithLotusLeapDay() {
        #expect(XLSXValue.date(serial: "1", date1904: false) == CivilDate(year: 1900, month: 1, day: 1))
        #expect(XLSXValue.date(serial: "59", date1904: false) == CivilDate(year: 1900, month: 2, day: 28))
        #expect(XLSXValue.date(serial: "60", date1904: false) == nil, "1900-02-29 never was")
        #expect(XLSXValue.date(serial: "61", date1904: false) == CivilDate(year: 1900, month: 3, day: 1))
        #expect(XLSXValue.date(serial: "44277", date1904: false) == CivilDate(year: 2021, month: 3, day: 22))
        #expect(XLSXValue.date(serial: "45292.75", date1904: false) == CivilDate(year: 2024, month: 1, day: 1))
        #expect(XLSXValue.date(serial: "0", date1904: false) == nil)
        #expect(XLSXValue.date(serial: "-3", date1904: false) == nil)
    }

    @Test func serialDatesIn1904() {
        #expect(XLSXValue.date(serial: "0", date1904: true) == CivilDate(year: 1904, month: 1, day: 1))
        #expect(XLSXValue.date(serial: "42815", date1904: true) == CivilDate(year: 2021, month: 3, day: 22))
    }

    @Test(arguments: [("yyyy-mm-dd", true), ("yyyy\"年\"m\"月\"d\"日\"", true), ("yyyy年m月d日", true), ("0.00", false),
                      ("#,##0.00\"元\"", false), ("[Red]0.0", false), ("General", false), ("@", false), ("m/d/yy h:mm", true)])
    func dateFormats(code: String, isDate: Bool) {
        #expect(XLSXValue.isDateFormat(code) == isDate)
    }

    @Test func cellReferences() {
        #expect(XLSXSheetReader.letters(0) == "A" && XLSXSheetReader.letters(25) == "Z" && XLSXSheetReader.letters(26) == "AA")
        #expect(XLSXSheetReader.letters(16_383) == "XFD")
        #expect(XLSXSheetReader.reference("D14")! == (3, 14))
        #expect(XLSXSheetReader.reference("xfd1048576")! == (16_383, 1_048_576))
        #expect(XLSXSheetReader.reference("XFE1") == nil && XLSXSheetReader.reference("A0") == nil && XLSXSheetReader.reference("14") == nil)
    }
}
