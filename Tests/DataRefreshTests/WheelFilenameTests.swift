@testable import DataRefresh
import Rules
import XCTest

final class WheelFilenameTests: XCTestCase {
    func testCPythonTagGivesItsVersion() throws {
        let w = try XCTUnwrap(WheelFilename("torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl"))
        XCTAssertEqual(w.project, "torch")
        XCTAssertEqual(w.version, PEP440Version("2.3.1"))
        XCTAssertEqual(w.cpythons, [DottedVersion("3.11")!])
        XCTAssertFalse(w.freeThreaded)
        XCTAssertTrue(w.isLinuxX86_64)
    }

    func testLocalVersionAndBuildTag() throws {
        let w = try XCTUnwrap(WheelFilename("torch-2.1.0+cu118-1-cp310-cp310-linux_x86_64.whl"))
        XCTAssertEqual(w.version.public_, PEP440Version("2.1.0"))
        XCTAssertEqual(w.version.local, ["cu118"])
        XCTAssertEqual(w.cpythons, [DottedVersion("3.10")!])
        XCTAssertTrue(w.isLinuxX86_64)
    }

    func testFreeThreadedAndOtherPlatforms() throws {
        let ft = try XCTUnwrap(WheelFilename("torch-2.6.0-cp313-cp313t-manylinux_2_28_x86_64.whl"))
        XCTAssertTrue(ft.freeThreaded)
        XCTAssertEqual(ft.cpythons, [DottedVersion("3.13")!])
        let arm = try XCTUnwrap(WheelFilename("torch-2.6.0-cp312-cp312-manylinux_2_28_aarch64.whl"))
        XCTAssertFalse(arm.isLinuxX86_64)
        let mac = try XCTUnwrap(WheelFilename("torch-2.6.0-cp312-none-macosx_11_0_arm64.whl"))
        XCTAssertFalse(mac.isLinuxX86_64)
    }

    func testPurePythonTagsNameNoVersion() throws {
        let w = try XCTUnwrap(WheelFilename("xformers-0.0.28-py3-none-any.whl"))
        XCTAssertEqual(w.cpythons, [])
        XCTAssertFalse(w.isLinuxX86_64)
    }

    func testNotAWheel() {
        XCTAssertNil(WheelFilename("torch-2.3.1.tar.gz"))
        XCTAssertNil(WheelFilename("torch-notaversion-cp311-cp311-linux_x86_64.whl"))
        XCTAssertNil(WheelFilename("torch.whl"))
    }
}
