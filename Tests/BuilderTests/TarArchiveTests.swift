@testable import Builder
import Foundation
import XCTest

/// The tar streams cogpack puts into containers and reads out of them, checked against GNU tar:
/// what cogpack writes, tar unpacks to the same files, links and modes; what tar writes (PAX
/// records for long paths, as Go's archive/tar in the engine writes them), cogpack reads.
final class TarArchiveTests: XCTestCase {
    private func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tar-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    private func run(_ command: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, command)
        return String(decoding: data, as: UTF8.self)
    }

    func testTarUnpacksWhatCogpackWrites() throws {
        let dir = try scratch()
        let long = (1...12).map { "folder\($0)" }.joined(separator: "/") + "/a file with spaces and é.py"
        XCTAssertGreaterThan(long.utf8.count, 100)
        let longTarget = "../" + String(repeating: "t", count: 120)
        let contents = Data((0..<1500).map { UInt8($0 % 251) })
        let tar = TarArchive.archive([
            .directory(path: "top", mode: 0o755),
            .file(path: "top/tool", mode: 0o755, contents: contents),
            .file(path: "top/empty", mode: 0o644, contents: Data()),
            .file(path: long, mode: 0o600, contents: Data("x = 1\n".utf8)),
            .symlink(path: "top/link", target: "/etc/shadow"),
            .symlink(path: "top/long-link", target: longTarget),
        ], modified: 1_700_000_000)
        XCTAssertEqual(tar.count % 512, 0)
        try tar.write(to: dir.appendingPathComponent("a.tar"))
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        _ = try run("tar -xf '\(dir.path)/a.tar' -C '\(out.path)'")
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("top/tool")), contents)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("top/empty")), Data())
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent(long), encoding: .utf8), "x = 1\n")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("top/link").path), "/etc/shadow")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("top/long-link").path), longTarget)
        let modes = try run("stat -c '%a %Y %n' '\(out.path)/top/tool' '\(out.path)/\(long)'").split(separator: "\n")
        XCTAssertEqual(modes.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }, ["755 1700000000", "600 1700000000"])
    }

    func testCogpackReadsWhatTarWrites() throws {
        let dir = try scratch()
        let long = String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 40) + ".toml"
        let src = dir.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: src.appendingPathComponent(String(repeating: "d", count: 90)), withIntermediateDirectories: true)
        try Data("long\n".utf8).write(to: src.appendingPathComponent(long))
        try Data(count: 3000).write(to: src.appendingPathComponent("zeros"))
        try Data("short\n".utf8).write(to: src.appendingPathComponent("resolved.txt"))
        for format in ["pax", "gnu"] {
            _ = try run("cd '\(src.path)' && tar --format=\(format) -cf '\(dir.path)/\(format).tar' resolved.txt zeros '\(long)'")
            let files = try TarArchive.files(try Data(contentsOf: dir.appendingPathComponent("\(format).tar")))
            XCTAssertEqual(files["resolved.txt"], Data("short\n".utf8), format)
            XCTAssertEqual(files["zeros"], Data(count: 3000), format)
            XCTAssertEqual(files[long], Data("long\n".utf8), format)
            XCTAssertEqual(files.count, 3, format)
        }
    }

    func testAStreamCutShortIsAnError() throws {
        let tar = TarArchive.archive([.file(path: "f", mode: 0o644, contents: Data(count: 2000))], modified: 0)
        XCTAssertThrowsError(try TarArchive.files(tar.prefix(1024)))
    }

    func testAPaxRecordCountsItsOwnLength() {
        for n in [1, 5, 90, 94, 95, 96, 990, 995, 996] {
            let r = TarArchive.record("path", String(repeating: "p", count: n))
            let length = Int(r.prefix { $0 != " " })!
            XCTAssertEqual(length, r.utf8.count, "value of \(n)")
        }
    }
}
