import Builder
import Foundation
import Planner

/// uv for `cogpack lock`, run in a container of the model's base image, never on this machine.
/// To learn the name and dependencies of a folder, VCS or sdist requirement whose metadata is not
/// static, uv runs the package's build backend (its `setup.py`): the model's code, which must not
/// run here. The container holds uv (this machine's binary of the pinned release), the CA bundle,
/// uv's work folder and the files of the model uv reads (`LockModelFiles`), at the model folder's
/// absolute path; nothing of this machine is bound into it, and what uv writes comes back through
/// the Engine API. It is removed when the lock ends, however it ends; a cogpack killed outright
/// leaves it to stop by itself within a day, when the engine removes it.
final class UvContainer: Sendable {
    static let tools = "/cogpack-lock"
    static let uv = tools + "/uv"
    static let caBundle = tools + "/ca-certificates.crt"
    static let stderrFile = tools + "/stderr"
    /// uv's work folder: its input and output files.
    static let work = tools + "/work"
    /// How long an abandoned container lives.
    static let lifetime = 86_400

    let owned: OwnedContainer
    var engine: EngineAPI { owned.engine }
    var id: String { owned.id }
    private let env: [String]
    /// Ctrl-C removes it from the moment it exists. A dispatch source may be cancelled from any
    /// thread; Dispatch only does not say so in types.
    nonisolated(unsafe) private let interrupt: DispatchSourceSignal

    private init(engine: EngineAPI, id: String, env: [String]) {
        owned = OwnedContainer(engine: engine, id: id)
        self.env = env
        interrupt = owned.removeOnInterrupt("uv's container", stopFirst: false)
    }

    /// A started container of `request.baseImage` with uv, the CA bundle and the model's files
    /// in it, and git when a requirement needs it (from `cogpack/lock-git`, below). The engine's
    /// refusals are its TransportErrors.
    static func start(_ request: LockRequest, endpoint: BuilderAddress.Endpoint, uvBinary: URL, ca: URL?) async throws -> UvContainer {
        let engine = EngineAPI(endpoint: endpoint)
        var env = ["UV_NO_PROGRESS=1", "UV_PYTHON_DOWNLOADS=never", "DEBIAN_FRONTEND=noninteractive"]
        if ca != nil { env += ["SSL_CERT_FILE=\(caBundle)", "REQUESTS_CA_BUNDLE=\(caBundle)", "PIP_CERT=\(caBundle)", "GIT_SSL_CAINFO=\(caBundle)"] }
        guard let base = try await engine.inspect(image: request.baseImage), let baseID = base["Id"] as? String else {
            throw LockFailure(message: "the engine has no image \(request.baseImage), the model's base image, in which cogpack runs uv to lock; make it with `cogpack base` or pull it")
        }
        // A VCS requirement needs git, which the base images lack: the base with git is made once
        // and kept, named by the base's ID, so that later locks start from it. It is saved before
        // anything of the model is in the container.
        let gitImage = request.needsGit ? gitImage(of: baseID) : nil
        var haveGitImage = false
        if let gitImage { haveGitImage = try await engine.inspect(image: gitImage.reference) != nil }
        // What goes in, written to a file first and streamed: the model's wheels can be large.
        let archive = FileManager.default.temporaryDirectory.appendingPathComponent("cogpack-lock-\(UUID().uuidString).tar")
        defer { try? FileManager.default.removeItem(at: archive) }
        guard FileManager.default.createFile(atPath: archive.path, contents: nil), let handle = try? FileHandle(forUpdating: archive) else {
            throw LockFailure(message: "cannot write \(archive.path): the files for uv's container are put together there; free the temporary folder or set TMPDIR")
        }
        defer { try? handle.close() }
        // Paths in the archive are relative to the container's root, where it is unpacked.
        func inRoot(_ path: String) -> String { String(path.drop { $0 == "/" }) }
        let tar = TarArchive.FileWriter(handle, modified: Int(Date().timeIntervalSince1970))
        try tar.add(.directory(path: inRoot(work), mode: 0o755))
        try tar.add(.file(path: inRoot(uv), mode: 0o755, contents: try contents(of: uvBinary, what: "uv")))
        if let ca { try tar.add(.file(path: inRoot(caBundle), mode: 0o644, contents: try contents(of: ca, what: "the CA bundle"))) }
        if let files = request.modelFiles {
            try files.forEach { entry in
                switch entry {
                case .file(let path, let contents): try tar.add(.file(path: inRoot(files.root + "/" + path), mode: 0o644, contents: contents))
                case .symlink(let path, let target): try tar.add(.symlink(path: inRoot(files.root + "/" + path), target: target))
                }
            }
        }
        try tar.finish()
        try handle.seek(toOffset: 0)
        var spec = EngineAPI.ContainerSpec(image: (haveGitImage ? gitImage?.reference : nil) ?? request.baseImage,
                                           name: "cogpack-lock-\(UUID().uuidString.prefix(8).lowercased())")
        spec.port = nil
        spec.cmd = ["sleep", String(lifetime)]
        spec.autoRemove = true
        spec.labels = ["dev.cogpack.lock": "1"]
        spec.env = env
        let id = try await engine.createContainer(spec)
        let container = UvContainer(engine: engine, id: id, env: env)
        do {
            try await engine.startContainer(id)
            if let gitImage, !haveGitImage {
                let log = "/tmp/cogpack-apt.log"
                try await container.run(["/bin/sh", "-c", "(\(LockRequest.gitInstall) && apt-get clean && rm -rf /var/lib/apt/lists/*) > \(log) 2>&1 && rm -f \(log)"],
                                        what: "apt-get install git (for VCS requirements)", output: log, directory: "/")
                try await engine.commit(id, repository: gitImage.repository, tag: gitImage.tag)
            }
            try await engine.putArchive(id, file: handle)
        } catch {
            await container.owned.yieldToInterrupt()
            await container.remove()
            throw error
        }
        return container
    }

    /// The name of the base image `baseID` with git added.
    static func gitImage(of baseID: String) -> (repository: String, tag: String, reference: String) {
        let tag = String(baseID.split(separator: ":").last?.prefix(12) ?? "")
        return ("cogpack/lock-git", tag, "cogpack/lock-git:\(tag)")
    }

    private static func contents(of file: URL, what: String) throws -> Data {
        do { return try Data(contentsOf: file) } catch {
            throw LockFailure(message: "cannot read \(what) at \(file.path): \(error.localizedDescription)")
        }
    }

    /// Puts `text` into uv's work folder as `name`.
    func write(_ name: String, _ text: String) async throws {
        try await engine.putArchive(id, at: Self.work, tar: TarArchive.archive([.file(path: name, mode: 0o644, contents: Data(text.utf8))],
                                                                             modified: Int(Date().timeIntervalSince1970)))
    }

    /// The file `name` of uv's work folder.
    func read(_ name: String) async throws -> String {
        guard let data = try await engine.readFile(id, Self.work + "/" + name) else {
            throw LockFailure(message: "uv wrote no \(name)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `uv ARGUMENTS` in the work folder; a failure carries the end of what uv said.
    func uv(_ arguments: [String]) async throws {
        let argv = ["/bin/sh", "-c", "exec \"$0\" \"$@\" 2> \(Self.stderrFile)", Self.uv] + arguments
        try await run(argv, what: "uv \(arguments.prefix(2).joined(separator: " "))", output: Self.stderrFile, directory: Self.work)
    }

    /// `argv` in `directory`; a failure carries the end of the file `output`, where it wrote.
    private func run(_ argv: [String], what: String, output: String, directory: String) async throws {
        let status = try await engine.exec(id, argv, env: env, workingDirectory: directory)
        guard status == 0 else {
            let said = (try? await engine.readFile(id, output)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let tail = said.split(separator: "\n").suffix(20).joined(separator: "\n")
            throw LockFailure(message: "\(what) failed (exit \(status)) in a container of the model's base image:\n\(tail)")
        }
    }

    /// Removes the container once (later calls do nothing); Ctrl-C is the command's again.
    func remove() async {
        interrupt.cancel()
        await owned.remove()
    }
}

/// Locking could not be done (uv failed, or its container could not run): the message, exit 1.
struct LockFailure: Error {
    let message: String
}
