@testable import Builder
import Foundation
import PlanFormat
import XCTest

final class LLBTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func hex(_ d: Data) -> String { d.map { String(format: "%02x", $0) }.joined() }

    func testSHA256KnownVectors() {
        XCTAssertEqual(Digest.sha256(Array("abc".utf8)), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Digest.sha256([]), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = [UInt8](repeating: 0x61, count: 1000)
        XCTAssertEqual(Digest.sha256(long), "sha256:41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// The golden vector of the protocol notes, verified against the engine: an image source op
    /// and the terminal op that points at it.
    func testSourceOpAndTerminalMatchTheVerifiedBytes() throws {
        let graph = LLBGraph(os: "linux", arch: "amd64")
        var op = Pb_Op()
        var src = Pb_SourceOp()
        src.identifier = "docker-image://docker.io/local/busybox:1"
        op.source = src
        let digest = try graph.add(op, name: nil, caps: [])
        XCTAssertEqual(digest, "sha256:50ba85ad5c959f433bb605cba975d57e2af82af0122b3f7bf6781d2ae51a2a95")
        let def = try graph.definition(result: LLBOutput(digest: digest, index: 0))
        XCTAssertEqual(hex(def.def[0]), "1a2a0a28646f636b65722d696d6167653a2f2f646f636b65722e696f2f6c6f63616c2f62757379626f783a31520e0a05616d64363412056c696e7578")
        XCTAssertEqual(Digest.sha256(Array(def.def[1])), "sha256:5572d02e31d9ba6a1863e65c5eafee46310bdf1b2b79e83b1b3df25e07a4a780")
    }

    private func plan(_ name: String) throws -> Plan {
        let data = try Data(contentsOf: Self.repo.appendingPathComponent("Tests/PlannerTests/Snapshots/\(name).json"))
        return try Plan.decode(data, display: name)
    }

    private func compile(_ plan: Plan, ca: Bool = false, wheelhouse: Bool = false, noCache: Bool = false,
                         session: String? = nil) throws -> PlanCompiler.Compiled {
        var inputs = PlanCompiler.Inputs()
        inputs.hasCABundle = ca
        inputs.hasWheelhouse = wheelhouse
        inputs.ignoreCache = noCache
        inputs.sessionID = session
        for image in PlanCompiler.images(in: plan) { inputs.imageEnv[image] = ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"] }
        var c = PlanCompiler(plan: plan, inputs: inputs)
        return try c.compile()
    }

    func testDefinitionsAreDeterministicAndWellFormed() throws {
        for name in ["hello", "gpu-torch", "system-run", "weights"] {
            let p = try plan(name)
            let a = try compile(p), b = try compile(p)
            XCTAssertEqual(try LLBGraph.marshal(a.definition), try LLBGraph.marshal(b.definition), name)
            let ops = try a.definition.def.map { try Pb_Op(serializedBytes: Array($0)) }
            let digests = Set(a.definition.def.map { Digest.sha256(Array($0)) })
            XCTAssertEqual(digests.count, a.definition.def.count, "\(name): each op once")
            for (i, op) in ops.enumerated() {
                for input in op.inputs { XCTAssertTrue(digests.contains(input.digest), "\(name): missing input") }
                if i < ops.count - 1 {
                    XCTAssertEqual(op.platform.os, "linux")
                    XCTAssertEqual(op.platform.architecture, "amd64")
                }
            }
            let terminal = try XCTUnwrap(ops.last)
            XCTAssertEqual(terminal.inputs.count, 1)
            XCTAssertNil(terminal.op, "\(name): the last op only points at the result")
        }
    }

    /// `--no-cache` marks every exec and file op `ignore_cache` (with its cap) and no source op;
    /// the ops' bytes, hence their digests, stay those of a normal build.
    func testNoCacheMarksEveryStepAndOnlySteps() throws {
        let p = try plan("system-run")
        let normal = try compile(p), fresh = try compile(p, noCache: true)
        XCTAssertEqual(normal.definition.def, fresh.definition.def)
        var steps = 0
        for bytes in fresh.definition.def.dropLast() {
            let op = try Pb_Op(serializedBytes: Array(bytes))
            let digest = Digest.sha256(Array(bytes))
            let md = try XCTUnwrap(fresh.definition.metadata[digest])
            XCTAssertFalse(normal.definition.metadata[digest]?.ignoreCache ?? true)
            switch op.op {
            case .exec, .file:
                steps += 1
                XCTAssertTrue(md.ignoreCache, "\(md.description_p)")
                XCTAssertEqual(md.caps["meta.ignorecache"], true)
            default:
                XCTAssertFalse(md.ignoreCache, "a source is loaded as usual")
                XCTAssertNil(md.caps["meta.ignorecache"])
            }
        }
        XCTAssertGreaterThan(steps, 3)
    }

    /// A weights file named like a glob is sent and copied as that one file: its include
    /// pattern is escaped and BuildKit's copy expands no wildcard.
    func testFileNamesWithGlobCharactersStayLiteral() throws {
        let url = Self.repo.appendingPathComponent("Tests/PlannerTests/Snapshots/weights.json")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "weights/model.bin", with: "weights/w[ab].bin")
        let compiled = try compile(try Plan.decode(Data(text.utf8), display: "weights"))
        let ops = try compiled.definition.def.map { try Pb_Op(serializedBytes: Array($0)) }
        let includes = ops.compactMap { op -> String? in
            if case .source(let s) = op.op { return s.attrs["local.includepattern"] } else { return nil }
        }
        // The weights file, and the generated schema file (its own context).
        XCTAssertEqual(includes, [#"["weights/w\\[ab\\].bin"]"#, #"["openapi_schema.json"]"#])
        let copies = ops.flatMap { op -> [Pb_FileActionCopy] in
            guard case .file(let f) = op.op else { return [] }
            return f.actions.compactMap { if case .copy(let c) = $0.action { return c } else { return nil } }
        }
        XCTAssertFalse(copies.isEmpty)
        XCTAssertTrue(copies.allSatisfy { !$0.allowWildcard })
        XCTAssertTrue(copies.contains { $0.src == "/weights/w[ab].bin" }, "\(copies.map(\.src))")
    }

    func testExecOpsCarryTheirMountsNetworkAndEnv() throws {
        let compiled = try compile(try plan("system-run"), ca: true)
        let ops = try compiled.definition.def.map { try Pb_Op(serializedBytes: Array($0)) }
        let execs = ops.compactMap { op -> Pb_ExecOp? in if case .exec(let e) = op.op { return e } else { return nil } }
        // The names follow the script as arguments ("$@"), never inside its text.
        let apt = try XCTUnwrap(execs.first { $0.meta.args.count > 2 && $0.meta.args[2].contains("apt-get install") })
        XCTAssertEqual(Array(apt.meta.args.prefix(2)), ["/bin/sh", "-c"])
        XCTAssertTrue(apt.meta.args[2].contains("--no-install-recommends \"$@\""), apt.meta.args[2])
        XCTAssertFalse(apt.meta.args[2].contains("ffmpeg"), apt.meta.args[2])
        XCTAssertEqual(apt.meta.args[3], "sh")
        XCTAssertTrue(apt.meta.args.dropFirst(4).contains("ffmpeg"), "\(apt.meta.args)")
        XCTAssertEqual(apt.network, .unset, "downloads run with the network")
        XCTAssertTrue(apt.mounts.contains { $0.mountType == .cache && $0.cacheOpt.id == "cogpack-apt-lists" && $0.cacheOpt.sharing == .locked })
        let ca = try XCTUnwrap(apt.mounts.first { $0.dest == "/etc/ssl/certs/cogpack-ca.pem" })
        XCTAssertTrue(ca.readonly)
        XCTAssertEqual(ca.output, -1)
        XCTAssertTrue(apt.meta.env.contains("SSL_CERT_FILE=/etc/ssl/certs/cogpack-ca.pem"))
        let venv = try XCTUnwrap(execs.first { $0.meta.args.contains("venv") })
        XCTAssertEqual(venv.network, .none, "steps that do not download run without network")
        XCTAssertFalse(venv.mounts.contains { $0.dest.hasSuffix("cogpack-ca.pem") })
        XCTAssertEqual(venv.mounts.first?.dest, "/")
        XCTAssertEqual(venv.mounts.first?.output, 0)
        let run = try XCTUnwrap(execs.first { $0.meta.args.last?.contains("hf_token") == true })
        XCTAssertTrue(run.mounts.contains { $0.mountType == .secret && $0.secretOpt.id == "hf_token" && $0.secretOpt.optional })
        XCTAssertTrue(run.meta.env.contains("PATH=/venv/bin:/usr/local/bin:/usr/bin:/bin"), "${PATH} is the base image's: \(run.meta.env)")

        let without = try compile(try plan("system-run"), ca: false)
        let opsWithout = try without.definition.def.map { try Pb_Op(serializedBytes: Array($0)) }
        for case .exec(let e)? in opsWithout.map(\.op) {
            XCTAssertFalse(e.mounts.contains { $0.dest.hasSuffix("cogpack-ca.pem") })
            XCTAssertFalse(e.meta.env.contains { $0.hasPrefix("SSL_CERT_FILE=") })
        }
    }

    /// A `wheelhouse` mount becomes a read-only bind of the `cogpack-wheelhouse` context, with uv
    /// and pip pointed at it, when the build has a wheelhouse; otherwise it is left out.
    func testWheelhouseMountsBindTheWheelhouseOnlyWhenTheBuildHasOne() throws {
        let plan = try plan("cpu-torch")
        var planned = 0
        for stage in plan.stages {
            for case .exec(let e) in stage.operations where e.mounts.contains(.wheelhouse(target: "/opt/cogpack/wheelhouse")) { planned += 1 }
        }
        XCTAssertGreaterThan(planned, 0)

        let with = try compile(plan, wheelhouse: true)
        let ops = try with.definition.def.map { try Pb_Op(serializedBytes: Array($0)) }
        let digests = with.definition.def.map { Digest.sha256(Array($0)) }
        let wheelhouseSource = try XCTUnwrap(ops.indices.first { i in
            if case .source(let s) = ops[i].op { return s.identifier == "local://cogpack-wheelhouse" } else { return false }
        })
        var mounted = 0
        for op in ops {
            guard case .exec(let e) = op.op, let m = e.mounts.first(where: { $0.dest == "/opt/cogpack/wheelhouse" }) else { continue }
            mounted += 1
            XCTAssertTrue(m.readonly)
            XCTAssertEqual(m.output, -1)
            XCTAssertEqual(op.inputs[Int(m.input)].digest, digests[wheelhouseSource])
            XCTAssertTrue(e.meta.env.contains("UV_FIND_LINKS=/opt/cogpack/wheelhouse"), "\(e.meta.env)")
            XCTAssertTrue(e.meta.env.contains("PIP_FIND_LINKS=/opt/cogpack/wheelhouse"), "\(e.meta.env)")
        }
        XCTAssertEqual(mounted, planned)
        XCTAssertTrue(with.localContexts.contains("cogpack-wheelhouse"))

        let without = try compile(plan, wheelhouse: false)
        XCTAssertFalse(without.localContexts.contains("cogpack-wheelhouse"))
        for case .exec(let e)? in try without.definition.def.map({ try Pb_Op(serializedBytes: Array($0)).op }) {
            XCTAssertFalse(e.mounts.contains { $0.dest == "/opt/cogpack/wheelhouse" })
            XCTAssertFalse(e.meta.env.contains { $0.hasPrefix("UV_FIND_LINKS=") || $0.hasPrefix("PIP_FIND_LINKS=") })
        }
    }

    func testCopiesUseTheUnsetSentinelsAndLocalSourcesTheExcludes() throws {
        let compiled = try compile(try plan("weights"))
        let ops = try compiled.definition.def.map { try Pb_Op(serializedBytes: Array($0)) }
        let copies = ops.flatMap { op -> [Pb_FileActionCopy] in
            guard case .file(let f) = op.op else { return [] }
            return f.actions.compactMap { if case .copy(let c) = $0.action { return c } else { return nil } }
        }
        XCTAssertFalse(copies.isEmpty)
        for c in copies {
            XCTAssertEqual(c.mode, -1)
            XCTAssertEqual(c.timestamp, -1)
        }
        let locals = ops.compactMap { op -> Pb_SourceOp? in
            if case .source(let s) = op.op, s.identifier.hasPrefix("local://") { return s } else { return nil }
        }
        let source = try XCTUnwrap(locals.first { $0.attrs["local.excludepatterns"]?.contains("weights/model.bin") == true },
                                   "the source copy's context leaves the weights out")
        XCTAssertTrue(source.attrs["local.excludepatterns"]!.contains("*.md"))
        XCTAssertTrue(locals.contains { $0.attrs["local.includepattern"] == "[\"weights/model.bin\"]" }, "the weights copy reads only the weights")
        XCTAssertEqual(compiled.final.history.last, "[source] copy . → /src")
    }

    /// Two builds at once of models with the same plan shape must not share a local source op:
    /// BuildKit would merge them into one vertex and read either session's files for both.
    func testLocalSourcesNameTheirSessionSoThatBuildsAtOnceStayApart() throws {
        let p = try plan("hello")
        func locals(_ c: PlanCompiler.Compiled) throws -> [Pb_SourceOp] {
            try c.definition.def.map { try Pb_Op(serializedBytes: Array($0)) }.compactMap { op in
                if case .source(let s) = op.op, s.identifier.hasPrefix("local://") { return s } else { return nil }
            }
        }
        let a = try locals(try compile(p, session: "session-a")), b = try locals(try compile(p, session: "session-b"))
        XCTAssertFalse(a.isEmpty)
        XCTAssertEqual(a.map { $0.attrs["local.session"] }, Array(repeating: "session-a", count: a.count))
        XCTAssertEqual(b.map { $0.attrs["local.session"] }, Array(repeating: "session-b", count: b.count))
        XCTAssertTrue(Set(try a.map { try $0.serializedData() }).isDisjoint(with: Set(try b.map { try $0.serializedData() })))
        let images = { (c: PlanCompiler.Compiled) in
            try c.definition.def.map { try Pb_Op(serializedBytes: Array($0)) }.filter { op in
                if case .source(let s) = op.op { return s.identifier.hasPrefix("docker-image://") } else { return false }
            }
        }
        XCTAssertEqual(try images(try compile(p, session: "session-a")), try images(try compile(p, session: "session-b")),
                       "the base image op stays shared")
    }

    func testImageReferencesAreQualified() {
        XCTAssertEqual(ImageReference.qualified("python:3.11-slim-bookworm"), "docker.io/library/python:3.11-slim-bookworm")
        XCTAssertEqual(ImageReference.qualified("cogpack/base:bookworm-python3.11"), "docker.io/cogpack/base:bookworm-python3.11")
        XCTAssertEqual(ImageReference.qualified("nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04"), "docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04")
        XCTAssertEqual(ImageReference.qualified("debian"), "docker.io/library/debian:latest")
        XCTAssertEqual(ImageReference.qualified("localhost:5000/m:1"), "localhost:5000/m:1")
        XCTAssertEqual(ImageReference.qualified("ghcr.io/a/b@sha256:00"), "ghcr.io/a/b@sha256:00")
    }

    func testEnvReplacesInPlaceAndExpandsPath() {
        var env = EnvList(["PATH=/usr/bin:/bin", "LANG=C.UTF-8"])
        env.apply(["PATH=/venv/bin:${PATH}", "LANG=en_US.UTF-8", "NEW=1"])
        XCTAssertEqual(env.array, ["PATH=/venv/bin:/usr/bin:/bin", "LANG=en_US.UTF-8", "NEW=1"])
    }

    func testImageConfigKeepsTheBaseAndAddsTheExport() throws {
        let p = try plan("hello")
        let base: [String: Any] = ["architecture": "amd64", "os": "linux",
                                   "config": ["Env": ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"], "Labels": ["from.base": "yes"]],
                                   "history": [["created_by": "debootstrap"]], "rootfs": ["type": "layers"]]
        let config = ImageConfig.merge(base: base, export: p.export, platform: p.platform, history: ["RUN a", "copy b"])
        let c = try XCTUnwrap(config["config"] as? [String: Any])
        XCTAssertEqual(c["Env"] as? [String], ["PATH=/venv/bin:/usr/bin:/bin", "LANG=C.UTF-8", "VIRTUAL_ENV=/venv", "PYTHONUNBUFFERED=1",
                                               "COG_PREDICT_TYPE_STUB=predict.py:Predictor"])
        XCTAssertEqual(c["Cmd"] as? [String], ["python", "-m", "cog.server.http"])
        XCTAssertEqual(c["Entrypoint"] as? [String], ["/usr/bin/tini", "--"])
        XCTAssertEqual(c["WorkingDir"] as? String, "/src")
        XCTAssertNotNil((c["ExposedPorts"] as? [String: Any])?["5000/tcp"])
        let labels = try XCTUnwrap(c["Labels"] as? [String: String])
        XCTAssertEqual(labels["from.base"], "yes")
        XCTAssertEqual(labels["run.cog.has_init"], "true")
        XCTAssertEqual((config["history"] as? [[String: Any]])?.count, 3)
        XCTAssertNil(config["rootfs"])
    }
}
