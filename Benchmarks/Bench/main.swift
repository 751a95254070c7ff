import Foundation
import Maintenance
import Planner
import Resolver
import Rules

// Prints cogpack's speed figures: the resolver's (cold runs, many models, a grown rule set) and
// the planner's (a cold `cogpack plan --json`). Run it through
// scripts/bench.sh, which builds the release binaries first. Nothing here asserts: the
// figures are for people to compare against the targets.

let repo = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
let arguments = CommandLine.arguments
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[$0 + 1]) } ?? 11
let cli = arguments.firstIndex(of: "--cli").map { URL(fileURLWithPath: arguments[$0 + 1]) }
    ?? repo.appendingPathComponent(".build/release/cogpack")
/// `--only cli|batch|diff|growth`: one section, for profiling it (perf record) without the others.
let only = arguments.firstIndex(of: "--only").map { arguments[$0 + 1] }
func section(_ name: String) -> Bool { only == nil || only == name }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Wall time of one run of the command-line tool, start to exit. posix_spawn and waitpid, since
/// Foundation's Process notices an exit only on a 50 ms poll.
func timeCLI(_ args: [String]) throws -> Double {
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([cli.path] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = now()
    guard posix_spawn(&pid, cli.path, &actions, nil, argv, environ) == 0 else {
        throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot start \(cli.path)"])
    }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let elapsed = now() - start
    // A resolution (0) or a conflict (1); anything else is a broken run, not a figure.
    let code = (status >> 8) & 0xff
    guard status & 0x7f == 0, code == 0 || code == 1 else {
        throw NSError(domain: "bench", code: 2, userInfo: [NSLocalizedDescriptionKey: "cogpack \(args.joined(separator: " ")) failed (status \(status))"])
    }
    return elapsed
}

func report(_ name: String, _ seconds: Double, target: String) {
    print(name.padding(toLength: 46, withPad: " ", startingAt: 0), String(format: "%9.1f ms", seconds * 1000), " target \(target)")
}

func write(_ text: String, _ url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
}

// MARK: cold runs of the command

guard FileManager.default.isExecutableFile(atPath: cli.path) else {
    FileHandle.standardError.write(Data("no cogpack binary at \(cli.path); run scripts/bench.sh\n".utf8))
    exit(2)
}
print("cogpack benchmark: median of \(runs) runs, \(ProcessInfo.processInfo.activeProcessorCount) cores")
if section("cli") {
for (name, args, target) in [
    // --no-engine: the resolver's own cost; the engine's facts are timed on their own below.
    ("cold resolve, examples/gpu-torch", ["resolve", "examples/gpu-torch", "--no-engine"], "<= 100 ms"),
    ("conflict with corrections, examples/conflict", ["resolve", "examples/conflict", "--no-engine"], "<= 500 ms"),
    ("--why-not cuda=12.4, examples/gpu-torch", ["resolve", "examples/gpu-torch", "--why-not", "cuda=12.4", "--no-engine"], "<= 300 ms"),
    ("cold plan --json, examples/gpu-torch", ["plan", "examples/gpu-torch", "--json", "--no-engine"], "<= 150 ms"),
    ("cold resolve with the engine's facts", ["resolve", "examples/gpu-torch"], ""),
] {
    _ = try timeCLI(args)  // warm the page cache, not the process
    report(name, median(try (0..<runs).map { _ in try timeCLI(args) }), target: target)
}

// MARK: where a cold run spends its time, in process

let loadTimes = try (0..<runs).map { _ -> Double in
    let start = now()
    _ = try KnowledgeBase.load(root: repo)
    return now() - start
}
report("  of which: loading rules and matrix", median(loadTimes), target: "")
let exampleKB = try KnowledgeBase.load(root: repo)
let example = try Project.load(repo.appendingPathComponent("examples/gpu-torch"), kb: exampleKB)
report("  of which: resolving and explaining", median(try (0..<runs).map { _ -> Double in
    let start = now()
    _ = try Resolver(kb: exampleKB).resolve(Planner(kb: exampleKB).requests(example))
    return now() - start
}), target: "")
report("  of which: resolving without reasons", median(try (0..<runs).map { _ -> Double in
    let start = now()
    _ = try Resolver(kb: exampleKB).resolveValues(Planner(kb: exampleKB).requests(example))
    return now() - start
}), target: "")
}

// MARK: 100 generated models in one process

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-bench-\(getpid())")
defer { try? FileManager.default.removeItem(at: scratch) }

let kb = try KnowledgeBase.load(root: repo)
let torchReleases = kb.matrix.versions(of: "torch")
let tfReleases = kb.matrix.versions(of: "tensorflow")
let pythons = ["3.10", "3.11", "3.12"]
let extras = ["numpy<2", "opencv-python", "transformers>=4.40", "soundfile", "pillow"]
var models: [URL] = []
for i in 0..<200 {
    let dir = scratch.appendingPathComponent("models/model-\(i)")
    let gpu = i % 3 != 0
    var reqs: [String] = []
    switch i % 5 {
    case 0: reqs.append("torch==\(torchReleases[i % torchReleases.count])")
    case 1: reqs += ["torch>=2.1", "torchvision"]
    case 2: reqs.append("tensorflow==\(tfReleases[i % tfReleases.count])")
    case 3: reqs.append("torch")
    default: break
    }
    reqs.append(extras[i % extras.count])
    var cog = "build:\n  gpu: \(gpu)\n  python_version: \"\(pythons[i % pythons.count])\"\n  python_requirements: requirements.txt\n"
    if gpu, i % 7 == 0 { cog += "  cuda: \"12.1\"\n" }
    try write(cog + "predict: predict.py:Predictor\n", dir.appendingPathComponent("cog.yaml"))
    // Planning checks that the predictor file is there.
    try write("from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return \"\"\n", dir.appendingPathComponent("predict.py"))
    try write(reqs.joined(separator: "\n") + "\n", dir.appendingPathComponent("requirements.txt"))
    models.append(dir)
}
if section("batch") {
var tally = [0, 0]
let batchStart = now()
let batchKB = try KnowledgeBase.load(root: repo)
for dir in models.prefix(100) {
    let project = try Project.load(dir, kb: batchKB)
    switch try Resolver(kb: batchKB).resolve(Planner(kb: batchKB).requests(project)) {
    case .resolved: tally[0] += 1
    case .conflict: tally[1] += 1
    }
}
report("100 generated models, one process (\(tally[0]) ok, \(tally[1]) conflicts)", now() - batchStart, target: "<= 5000 ms")

// Each resolution has its own Z3 context, so a batch spreads over the cores.
let projects = try models.prefix(100).map { try Project.load($0, kb: batchKB) }
let parallelStart = now()
let parallelKB = try KnowledgeBase.load(root: repo)
DispatchQueue.concurrentPerform(iterations: projects.count) { i in
    _ = try? Resolver(kb: parallelKB).resolve(Planner(kb: parallelKB).requests(projects[i]))
}
report("  the same, on all \(ProcessInfo.processInfo.activeProcessorCount) cores", now() - parallelStart, target: "")
}

// MARK: rules diff over a corpus

// The review tool's case: 200 models, the knowledge loaded once per rule set, both cores. The
// base is a copy of the rules with one objective flipped, so that choices really move.
if section("diff") {
let baseCopy = scratch.appendingPathComponent("base-rules")
for part in ["rules", "data"] {
    try FileManager.default.createDirectory(at: baseCopy, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: repo.appendingPathComponent(part), to: baseCopy.appendingPathComponent(part))
}
let objectivesFile = baseCopy.appendingPathComponent("rules/objectives.yaml")
try String(contentsOf: objectivesFile, encoding: .utf8)
    .replacingOccurrences(of: "variable: cuda\n    prefer: newest", with: "variable: cuda\n    prefer: oldest")
    .write(to: objectivesFile, atomically: true, encoding: .utf8)
let diffStart = now()
let diffReport = RulesDiff(old: try KnowledgeBase.load(root: baseCopy), new: try KnowledgeBase.load(root: repo))
    .run(try ModelCorpus(roots: [scratch.appendingPathComponent("models")]))
report("rules diff, \(diffReport.models) models, both rule sets (\(diffReport.changes.count) moved)", now() - diffStart, target: "<= 10000 ms")
}

// MARK: the rule set grown ten times

/// Each rule file gets nine more copies of its rules, with new ids and the packages in their
/// conditions renamed, so that a model asking for the renamed packages makes all of them apply.
func grownRoot() throws -> URL {
    let root = scratch.appendingPathComponent("grown")
    try FileManager.default.createDirectory(at: root.appendingPathComponent("rules"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: repo.appendingPathComponent("data/cuda-matrix.json"),
                                     to: root.appendingPathComponent("data/cuda-matrix.json"))
    for name in try FileManager.default.contentsOfDirectory(atPath: repo.appendingPathComponent("rules").path) where name.hasSuffix(".yaml") {
        let text = try String(contentsOf: repo.appendingPathComponent("rules/\(name)"), encoding: .utf8)
        var out = text
        if KnowledgeBase.ruleFiles.contains(name), let start = text.range(of: "\nrules:\n") ?? text.range(of: "rules:\n") {
            let body = String(text[start.upperBound...])
            for n in 1...9 {
                out += body.components(separatedBy: "\n").map { line -> String in
                    if let r = line.range(of: "- id: ") { return line[..<r.upperBound] + line[r.upperBound...] + ".g\(n)" }
                    if line.contains("when: {") {
                        return line.replacingOccurrences(of: #"package: ([A-Za-z0-9._-]+)"#, with: "package: $1-g\(n)",
                                                         options: .regularExpression)
                    }
                    return line
                }.joined(separator: "\n")
            }
        }
        try out.write(to: root.appendingPathComponent("rules/\(name)"), atomically: true, encoding: .utf8)
    }
    return root
}

if section("growth") {
let grown = try KnowledgeBase.load(root: try grownRoot())
let base = ["opencv-python", "soundfile", "librosa", "xformers==0.0.23.post1", "flash-attn"]
var growthReqs = ["torch==2.1.2"] + base
for n in 1...9 { growthReqs += base.map { $0.replacingOccurrences(of: #"^([a-z-]+)"#, with: "$1-g\(n)", options: .regularExpression) } }
let growthModel = scratch.appendingPathComponent("growth")
try write("build:\n  gpu: true\n  python_version: \"3.11\"\n  python_requirements: requirements.txt\n", growthModel.appendingPathComponent("cog.yaml"))
try write(growthReqs.joined(separator: "\n") + "\n", growthModel.appendingPathComponent("requirements.txt"))
let growthProject = try Project.load(growthModel, kb: kb)

func timeResolve(_ kb: KnowledgeBase) throws -> Double {
    median(try (0..<runs).map { _ in
        let start = now()
        guard case .resolved = try Resolver(kb: kb).resolve(Planner(kb: kb).requests(growthProject)) else {
            fatalError("the growth model must resolve")
        }
        return now() - start
    })
}
let small = try timeResolve(kb), large = try timeResolve(grown)
print("rules: \(kb.rules.count) → \(grown.rules.count); model with \(growthReqs.count) requirements")
report("resolve with the rules as shipped", small, target: "")
report("resolve with the rules grown 10x", large, target: "")
print("growth".padding(toLength: 46, withPad: " ", startingAt: 0), String(format: "%9.2f x", large / small), "  target <= 3x")
}
