import FafangTestSupport
import Foundation

extension ConfigFixture {
    /// A file of this test target's Fixtures folder.
    static func fixtureURL(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }
}
