import Foundation
import XCTest

/// Models of real size against the real engine: thousands of source files and a weights file of
/// hundreds of MB reach the image whole over both session routes, an interrupted transfer ends
/// cleanly, and a builder that never answers is a clear error instead of a wait without end.
final class LargeModelBuildTests: XCTestCase {
    static let sourceFiles = 3_000
    static let weightsBytes = 256 << 20

    override func setUpWithError() throws {
        try Engine.prepare()
    }

    /// A model with `sourceFiles` Python files in nested packages and one weights file of
    /// `weightsBytes` random bytes. With `weightsFrom`, the weights are a hard link to that
    /// file (the same bytes at a new path, so the engine has never seen this context).
    private func largeModel(weightsFrom: URL? = nil) throws -> URL {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("large-model-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? fm.removeItem(at: dir) }
        try fm.createDirectory(at: dir.appendingPathComponent("weights"), withIntermediateDirectories: true)
        try "build:\n  python_version: \"3.11\"\npredict: \"predict.py:Predictor\"\n"
            .write(to: dir.appendingPathComponent("cog.yaml"), atomically: true, encoding: .utf8)
        try fm.copyItem(at: CLI.repo.appendingPathComponent("examples/hello/predict.py"), to: dir.appendingPathComponent("predict.py"))
        for i in 0..<Self.sourceFiles {
            // Three levels, so that the walk crosses many folders.
            let folder = dir.appendingPathComponent("model/part\(i / 500)/block\(i / 50 % 10)")
            if i % 50 == 0 { try fm.createDirectory(at: folder, withIntermediateDirectories: true) }
            try "# module \(i)\nVALUE = \(i)\n\(String(repeating: "w = \(i)\n", count: i % 40))"
                .write(to: folder.appendingPathComponent("m\(i).py"), atomically: false, encoding: .utf8)
        }
        let weights = dir.appendingPathComponent("weights/model.bin")
        if let weightsFrom {
            try fm.linkItem(at: weightsFrom, to: weights)
        } else {
            let made = try CLI.shell("head -c \(Self.weightsBytes) /dev/urandom > '\(weights.path)'")
            XCTAssertEqual(made.status, 0, made.stderr)
        }
        return dir
    }

    /// Path and SHA-256 of every file under `model/` and `weights/`, sorted, as sha256sum prints them.
    private static let listing = "find model weights -type f -print0 | sort -z | xargs -0 sha256sum"

    private func assertImageHoldsEveryFile(of dir: URL, image: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try CLI.shell("cd '\(dir.path)' && \(Self.listing)")
        XCTAssertEqual(expected.status, 0, expected.stderr, file: file, line: line)
        let actual = try CLI.shell("docker run --rm --entrypoint sh \(image) -c 'cd /src && \(Self.listing)'")
        XCTAssertEqual(actual.status, 0, actual.stderr, file: file, line: line)
        let lines = actual.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, Self.sourceFiles + 1, "every source file and the weights", file: file, line: line)
        XCTAssertEqual(actual.stdout, expected.stdout, "paths and SHA-256 in the image match the folder", file: file, line: line)
    }

    private func assertNoRuntimeWarnings(_ output: String, file: StaticString = #filePath, line: UInt = #line) {
        for marker in ["EventLoop", "SwiftNIO", "Fatal error", "forced crash"] {
            XCTAssertFalse(output.contains(marker), "output mentions \(marker):\n\(output.suffix(2000))", file: file, line: line)
        }
    }

    func testAModelOfRealSizeBuildsWholeOverBothSessionRoutes() throws {
        let dir = try largeModel()
        let tag = "cogpack-it-large"
        let upgrade = try CLI.run(["build", dir.path, "-t", tag, "--progress", "plain"])
        XCTAssertEqual(upgrade.status, 0, String(upgrade.stderr.suffix(3000)))
        assertNoRuntimeWarnings(upgrade.stdout + upgrade.stderr)
        try assertImageHoldsEveryFile(of: dir, image: tag)

        // The session tunnelled through Control.Session, for a folder the engine has not seen.
        let copy = try largeModel(weightsFrom: dir.appendingPathComponent("weights/model.bin"))
        let tunnelTag = "cogpack-it-large-tunnel"
        let tunnel = try CLI.run(["build", copy.path, "-t", tunnelTag, "--session", "tunnel", "--progress", "plain"])
        XCTAssertEqual(tunnel.status, 0, String(tunnel.stderr.suffix(3000)))
        assertNoRuntimeWarnings(tunnel.stdout + tunnel.stderr)
        try assertImageHoldsEveryFile(of: copy, image: tunnelTag)
        _ = try CLI.shell("docker rmi -f \(tag) \(tunnelTag) >/dev/null 2>&1")
    }

    /// Ctrl-C while the context is on the wire: exit 130, and the event loops stop only after
    /// every task that serves BuildKit has ended (SwiftNIO complains otherwise).
    func testAnInterruptDuringTheTransferEndsCleanly() throws {
        let dir = try largeModel()
        let build = try RunningBuild(["build", dir.path, "-t", "cogpack-it-large-cancel", "--progress", "plain"])
        build.wait(for: "load context context")
        build.interrupt()
        XCTAssertEqual(build.finish(), 130, build.text)
        assertNoRuntimeWarnings(build.text)
    }

    /// The engine goes away while the context is on the wire (every connection to it closes):
    /// the build stops at once with a message that says so, not a gRPC error of one call.
    func testAnEngineThatGoesAwayMidBuildIsAClearError() throws {
        let dir = try largeModel()
        let proxy = try SocketProxy(upstream: "/var/run/docker.sock")
        let build = try RunningBuild(["build", dir.path, "-t", "cogpack-it-engine-gone", "--progress", "plain", "--builder", "docker://unix://\(proxy.path)"])
        build.wait(for: "load context context")
        proxy.cutAll()
        let cut = Date()
        let status = build.finish()
        let text = build.text
        XCTAssertLessThan(Date().timeIntervalSince(cut), 10, "the build noticed within seconds")
        XCTAssertEqual(status, 1, text)
        XCTAssertTrue(text.contains("closed the connection during the build; did the engine stop or restart?"), text)
        assertNoRuntimeWarnings(text)
    }

    /// A socket that accepts connections (the kernel does, from the listen backlog) and never
    /// says a byte, as a hung or wrong server would.
    private func silentSocket() throws -> (path: String, fd: Int32) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("silent-\(UUID().uuidString.prefix(8)).sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(fd, 16), 0)
        addTeardownBlock {
            close(fd)
            unlink(path)
        }
        return (path, fd)
    }

    func testABuilderThatNeverAnswersIsAClearErrorNotAHang() throws {
        let silent = try silentSocket()
        let model = CLI.repo.appendingPathComponent("examples/hello").path
        // Straight to a "buildkitd": HTTP/2 never starts.
        var started = Date()
        let direct = try CLI.run(["build", model, "-t", "cogpack-it-silent", "--builder", "unix://\(silent.path)"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        XCTAssertEqual(direct.status, 1, direct.stderr)
        XCTAssertTrue(direct.stderr.contains("did not start HTTP/2 within 10 s"), direct.stderr)
        assertNoRuntimeWarnings(direct.stderr)

        // As an "engine": its API is never answered.
        started = Date()
        let engine = try CLI.run(["build", model, "-t", "cogpack-it-silent", "--builder", "docker://unix://\(silent.path)"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        XCTAssertTrue((1...2).contains(engine.status), engine.stderr)
        XCTAssertTrue(engine.stderr.contains("does not answer"), engine.stderr)
        assertNoRuntimeWarnings(engine.stderr)
    }
}
