import Foundation

/// A generated corpus of malformed inputs: image names, engine and builder addresses, plan files
/// with mutated fields, and model folders with mutated cog.yaml, requirements and .dockerignore
/// files. Simple mutations: truncation, control bytes, huge numbers, deep nesting, path escapes.
/// Each case says which exit codes it may end with; what no case may do (crash, hang, show the
/// sentinel) is checked for all of them.
struct HostileCorpus {
    struct Case {
        let name: String
        let argv: [String]
        var env: [String: String] = [:]
        /// The exit codes this input may end with.
        let exits: Set<Int32>
        /// A part of the output, when the input is one whose answer is settled.
        var message: String?
    }


    let fixture: HostileFixture
    private(set) var cases: [Case] = []

    init(fixture: HostileFixture) throws {
        self.fixture = fixture
        references()
        engineAddresses()
        builderAddresses()
        try planFiles()
        try modelFolders()
    }

    // MARK: image names (-t)

    /// Mutations of one valid name. Valid ones pass -t and stop at the missing engine (2).
    private mutating func references() {
        let seed = "registry.example.com:5000/team/model:1.0"
        var names: [String] = []
        for n in stride(from: 0, to: seed.count, by: 3) { names.append(String(seed.prefix(n))) }
        for (i, c) in ["\u{1}", "\n", "\r", "\t", "\u{7F}", "\u{1B}[31m", " ", "\u{85}"].enumerated() {
            var s = seed
            s.insert(contentsOf: c, at: s.index(s.startIndex, offsetBy: (i * 5) % seed.count))
            names.append(s)
        }
        names += [
            String(repeating: "a", count: 256), String(repeating: "a", count: 10_000), "a:" + String(repeating: "t", count: 200),
            String(repeating: "a/", count: 200) + "a", "../x", "./x", "a/../b", "/abs", "@", "@@", "::", "a@", "-", "_", "é", "😀",
            "%0a", "$(id)", "`id`", "a;b", "a|b", "a\\b", "99999999999999999999999999", "a:99999999999999999999999",
            "a@sha256:" + String(repeating: "f", count: 10_000), "localhost:99999999999999999999/a", "[::1]:/a",
        ]
        for (i, name) in names.enumerated() {
            cases.append(Case(name: "-t mutation \(i) \(name.debugDescription.prefix(40))", argv: ["build", fixture.model.path, "-t", name], exits: [2]))
        }
    }

    // MARK: DOCKER_HOST and --builder

    private static let hostValues = [
        "ssh://", "ssh://user@host:22", "npipe:////./pipe/docker_engine", "fd://", "http://127.0.0.1:1", "https://127.0.0.1:1",
        "tcp://", "tcp://:", "tcp://127.0.0.1:", "tcp://127.0.0.1:0", "tcp://127.0.0.1:65536", "tcp://127.0.0.1:99999999999999999999999",
        "tcp://127.0.0.1:-1", "tcp://127.0.0.1:1", "tcp://[::1]:1", "tcp://[::1", "tcp://a b:1", "unix://", "unix://relative",
        "unix:///" + String(repeating: "x", count: 200), "unix:///nonexistent/docker.sock", "unix:///dev/null", "/nonexistent.sock",
        "garbage", "://", "unix:///var/run/docker.sock\nX-Injected: yes", "tcp://127.0.0.1:1\r\n", "\u{1B}[2J", String(repeating: "x", count: 100_000),
    ]

    private mutating func engineAddresses() {
        for (i, value) in Self.hostValues.enumerated() {
            cases.append(Case(name: "DOCKER_HOST \(i) \(value.debugDescription.prefix(40))", argv: ["plan", fixture.model.path, "--engine", "--json"],
                              env: ["DOCKER_HOST": value], exits: [2]))
        }
    }

    private mutating func builderAddresses() {
        let values = ["garbage", "docker://garbage", "docker://", "docker://ssh://h", "tcp://h", "tcp://127.0.0.1:0", "unix://", "ssh://h",
                      "docker://unix://" + String(repeating: "x", count: 300), "buildkitd", "-", "docker\n", "unix:///nonexistent/buildkitd.sock",
                      "tcp://127.0.0.1:1"]
        for (i, value) in values.enumerated() {
            // The last two are well-formed and unreachable: the build ends at the connection (1).
            let reachable = value.hasPrefix("unix:///nonexistent") || value == "tcp://127.0.0.1:1"
            cases.append(Case(name: "--builder \(i) \(value.debugDescription.prefix(40))",
                              argv: ["build", fixture.model.path, "-t", "x", "--builder", value], exits: reachable ? [1] : [2]))
        }
    }

    // MARK: plan files

    private mutating func planFiles() throws {
        let snapshot = try HostileFixture.snapshot()
        let text = String(decoding: snapshot, as: UTF8.self)
        var plans: [(String, Data)] = []
        // Truncation.
        for n in stride(from: 0, to: snapshot.count, by: max(1, snapshot.count / 20)) { plans.append(("truncated at \(n)", snapshot.prefix(n))) }
        // Control bytes where a value is.
        for (i, byte) in [0x00, 0x01, 0x0A, 0x0D, 0x1B, 0x7F, 0xFF, 0xC3].enumerated() {
            var d = snapshot
            let quote = text.utf8.enumerated().filter { $0.element == UInt8(ascii: "\"") }.map(\.offset)
            d.insert(UInt8(byte), at: quote[(i * 37) % quote.count] + 1)
            plans.append(("control byte 0x\(String(byte, radix: 16)) in a string", d))
        }
        // Fields replaced by hostile values.
        let huge: [Any] = [1 << 40, -1, Int.max, Int.min, 1e300, 0.5, "420", NSNull(), [1], ["a": 1], true]
        let fieldPaths = ["contexts.requirements.files.constraints\\.txt.mode", "stages.-1.operations.0.mode", "stages.-1.operations.0.owner",
                          "stages.0.source.image", "stages.0.id", "platform.arch"]
        for path in fieldPaths {
            for (i, value) in huge.enumerated() { plans.append(("\(path) = hostile value \(i)", try Self.edit(snapshot, path, value))) }
        }
        let strings = ["", "@", "/", ":", "UPPER", "a\nb", "../../sentinel.txt", String(repeating: "x", count: 100_000), "a:b:c", "-1:-1", "4294967296:0"]
        for path in ["stages.0.source.image", "stages.-1.operations.0.owner", "stages.-1.operations.0.dest", "stages.1.operations.0.argv.0",
                     "stages.1.operations.0.mounts.0.target", "export.working_dir"] {
            for (i, s) in strings.enumerated() { plans.append(("\(path) = string \(i)", try Self.edit(snapshot, path, s))) }
        }
        // Type tags that do not exist.
        for path in ["stages.1.operations.0.type", "stages.1.source.type", "stages.1.operations.0.mounts.0.type", "stages.0.phase"] {
            plans.append(("\(path) unknown", try Self.edit(snapshot, path, "spawn")))
        }
        // Path escapes in generated files, deep nesting, a huge content.
        plans.append(("generated file escapes", try Self.edit(snapshot, "contexts.requirements.files.\\.\\./\\.\\./sentinel\\.txt", ["content": "x", "mode": 420])))
        plans.append(("generated file absolute", try Self.edit(snapshot, "contexts.requirements.files./etc/passwd", ["content": "x", "mode": 420])))
        plans.append(("deeply nested arrays", Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)))
        plans.append(("deeply nested value", Data(text.replacingOccurrences(of: "\"format\" : \"cogpack.plan/2\"",
                                                                           with: "\"format\" : " + String(repeating: "{\"a\":", count: 5000) + "1" + String(repeating: "}", count: 5000)).utf8)))
        plans.append(("megabyte of content", try Self.edit(snapshot, "contexts.requirements.files.constraints\\.txt.content", String(repeating: "x", count: 1 << 20))))
        plans.append(("the sentinel itself", try Data(contentsOf: fixture.sentinel)))
        plans.append(("empty", Data()))
        for (i, (name, data)) in plans.enumerated() {
            let file = try fixture.plan(named: "corpus-\(i)", data)
            // A plan that survives every check stops at the missing engine (1); all others are bad input (2).
            cases.append(Case(name: "plan: \(name)", argv: ["build", "-t", "x", "--plan", file.path], exits: [1, 2]))
        }
    }

    static func edit(_ data: Data, _ path: String, _ value: Any) throws -> Data {
        let edit = PlanEdit(path: path, value: nil, append: nil)
        var object = try JSONSerialization.jsonObject(with: data)
        object = try edit.set(value, in: object, at: edit.keys[...])
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    // MARK: model folders

    /// cog.yaml, requirements.txt and .dockerignore mutations. Their checks are being tightened in
    /// the planner's source reading (path containment, control characters, system_packages,
    /// .dockerignore); until that lands these cases hold only what must always hold: no crash,
    /// no hang, no sentinel, and an exit of 0, 1 or 2.
    private mutating func modelFolders() throws {
        let cog = try String(contentsOf: fixture.model.appendingPathComponent("cog.yaml"), encoding: .utf8)
        // (name, files, refused): a refused model must end in 1 or 2 from every command.
        var models: [(String, [String: Data?], Bool)] = []
        let yaml = { (s: String) -> [String: Data?] in ["cog.yaml": Data(s.utf8)] }
        for n in stride(from: 0, to: cog.utf8.count, by: max(1, cog.utf8.count / 8)) {
            models.append(("cog.yaml truncated at \(n)", yaml(String(decoding: cog.utf8.prefix(n), as: UTF8.self)), false))
        }
        for byte in ["\u{0}", "\u{1}", "\r", "\u{1B}", "\u{7F}", "\u{FEFF}"] {
            models.append(("cog.yaml with \(byte.debugDescription)", yaml(cog.replacingOccurrences(of: "3.11", with: "3.\(byte)11")), true))
        }
        let base = "build:\n  python_version: \"3.11\"\n"
        models += [
            ("python_version huge", yaml("build:\n  python_version: \"3.99999999999999999999999\"\npredict: \"predict.py:Predictor\"\n"), true),
            ("python_version 1e400", yaml("build:\n  python_version: 1e400\npredict: \"predict.py:Predictor\"\n"), true),
            ("cuda huge", yaml(base + "  gpu: true\n  cuda: \"99999999999999999999.1\"\npredict: \"predict.py:Predictor\"\n"), true),
            ("deep sequence", yaml("build: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"), true),
            ("deep mapping", yaml("build:\n" + (1...500).map { String(repeating: "  ", count: $0) + "a:\n" }.joined()), false),
            ("alias fan-out", yaml("a: &a [x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c]\n" + base), false),
            ("predict escapes", yaml(base + "predict: \"../../sentinel.txt:Predictor\"\n"), true),
            ("predict absolute", yaml(base + "predict: \"\(fixture.sentinel.path):Predictor\"\n"), true),
            ("python_requirements escapes", yaml(base + "  python_requirements: ../../sentinel.txt\npredict: \"predict.py:Predictor\"\n"), true),
            ("python_requirements absolute", yaml(base + "  python_requirements: \(fixture.sentinel.path)\npredict: \"predict.py:Predictor\"\n"), true),
            ("system_packages hostile", yaml(base + "  system_packages:\n    - \"libgl1; cat ../../sentinel.txt\"\n    - \"-oAPT::x=1\"\n    - \"a\\nb\"\npredict: \"predict.py:Predictor\"\n"), true),
            ("run with control bytes", yaml(base + "  run:\n    - \"echo \\u0000\\r\\n\"\npredict: \"predict.py:Predictor\"\n"), true),
            ("environment hostile", yaml(base + "environment:\n  - \"=x\"\n  - \"A\\nB=1\"\npredict: \"predict.py:Predictor\"\n"), true),
            ("cog.yaml holds a bare word", yaml("word\n"), true),
            ("cog.yaml missing", ["cog.yaml": nil], true),
            ("cog.yaml one megabyte line", yaml(base + "# " + String(repeating: "x", count: 1 << 20) + "\npredict: \"predict.py:Predictor\"\n"), false),
        ]
        let withRequirements = base + "  python_requirements: requirements.txt\npredict: \"predict.py:Predictor\"\n"
        let req = { (s: String) -> [String: Data?] in ["cog.yaml": Data(withRequirements.utf8), "requirements.txt": Data(s.utf8)] }
        models += [
            ("-r escapes", req("-r ../../sentinel.txt\n"), true),
            ("-c escapes", req("-c ../../sentinel.txt\n"), true),
            ("-r absolute", req("-r \(fixture.sentinel.path)\n"), true),
            ("-r itself", req("-r requirements.txt\n"), true),
            ("--requirement=escapes", req("--requirement=../../sentinel.txt\n"), true),
            ("-e escapes", req("-e ../../\n"), true),
            ("index url file", req("--index-url file://\(fixture.sentinel.path)\nnumpy\n"), false),
            ("version huge", req("numpy==99999999999999999999999999999.0\n"), true),
            ("version truncated", req("torch>=\n"), true),
            ("control bytes", req("numpy\u{1}==1.0\r\nscipy\u{1B}[2J\n"), true),
            ("NUL", req("numpy\u{0}\n"), true),
            ("ten thousand lines", req(String(repeating: "numpy\n", count: 10_000)), false),
            ("one megabyte line", req(String(repeating: "a", count: 1 << 20) + "\n"), false),
            ("deep continuation", req(String(repeating: "numpy \\\n", count: 5000) + "\n"), false),
            ("url with sentinel", req("pkg @ file://\(fixture.sentinel.path)\n"), false),
        ]
        let ignore = { (s: String) -> [String: Data?] in [".dockerignore": Data(s.utf8)] }
        models += [
            (".dockerignore parent", ignore("../\n"), false),
            (".dockerignore negated escape", ignore("*\n!../../sentinel.txt\n"), false),
            (".dockerignore double star parent", ignore("**/../**\n"), false),
            (".dockerignore unclosed bracket", ignore("[\n"), false),
            (".dockerignore trailing backslash", ignore("\\\n"), false),
            (".dockerignore control bytes", ignore("a\u{1}b\r\n\u{1B}\n"), false),
            (".dockerignore hundred thousand patterns", ignore((0..<100_000).map { "p\($0)" }.joined(separator: "\n")), false),
        ]
        for (i, (name, files, refused)) in models.enumerated() {
            let dir = try fixture.model(named: "corpus-\(i)", files: files)
            add(model: dir, name: name, refused: refused)
        }
        // Links to the sentinel in place of the model's files.
        for (i, file) in ["requirements.txt", "cog.yaml", "predict.py", ".dockerignore"].enumerated() {
            let dir = try fixture.model(named: "link-\(i)", files: [file: nil])
            if file == "requirements.txt" {
                try Data(withRequirements.utf8).write(to: dir.appendingPathComponent("cog.yaml"))
            }
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(file), withDestinationURL: fixture.sentinel)
            // Reading a link out of the folder is refused; a link sent as a link (predict.py) is not.
            add(model: dir, name: "\(file) links to the sentinel", refused: file == "requirements.txt" || file == "cog.yaml")
        }
    }

    /// The model through resolve, plan and build. The build goes to a buildkitd that does not
    /// exist (no engine is asked about images), so it reads and plans the model, then stops at
    /// the connection.
    private mutating func add(model dir: URL, name: String, refused: Bool) {
        let exits: Set<Int32> = refused ? [1, 2] : [0, 1, 2]
        for (command, argv) in [("resolve", ["resolve", dir.path, "--json"]), ("plan", ["plan", dir.path, "--json"]),
                                ("build", ["build", dir.path, "-t", "x", "--builder", "unix://\(fixture.root.path)/no-buildkitd.sock"])] {
            let caseName = "\(command): \(name)"
            cases.append(Case(name: caseName, argv: argv, exits: command == "build" ? [1, 2] : exits))
        }
    }
}
