import Foundation
import PlanFormat
import XCTest

/// Every mount type reads back as it was written, with `type` and only its own fields.
final class MountCodingTests: XCTestCase {
    func testEveryMountTypeRoundTrips() throws {
        let mounts: [Mount] = [
            .cache(target: "/root/.cache/uv", id: "cogpack-uv", sharing: .shared),
            .input(.stage("uv"), target: "/opt/cogpack/uv", path: "/opt/cogpack/uv"),
            .secret(id: "hf_token", target: "/run/secrets/hf_token"),
            .caBundle(target: "/etc/ssl/certs/cogpack-ca.pem"),
            .tmpfs(target: "/tmp/work"),
            .wheelhouse(target: "/opt/cogpack/wheelhouse"),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(mounts)
        XCTAssertEqual(try JSONDecoder().decode([Mount].self, from: data), mounts)
        let wheelhouse = try encoder.encode(Mount.wheelhouse(target: "/opt/cogpack/wheelhouse"))
        XCTAssertEqual(String(decoding: wheelhouse, as: UTF8.self), #"{"target":"/opt/cogpack/wheelhouse","type":"wheelhouse"}"#)
    }

    func testAnUnknownMountTypeIsRefused() {
        let json = Data(#"{"target":"/x","type":"nfs"}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(Mount.self, from: json))
    }
}
