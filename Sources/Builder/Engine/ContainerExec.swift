import Foundation

/// Running programs in a started container and moving files in and out of it, through the Engine
/// API alone: no bind mount, so nothing assumes that the engine shares this machine's files, and
/// the container sees only what was put into it.
extension EngineAPI {
    /// Unpacks `tar` (TarArchive) at `path` in the container; missing parent folders are made.
    public func putArchive(_ id: String, at path: String = "/", tar: Data) async throws {
        try await putArchive(id, at: path, body: nil, data: tar)
    }

    /// The same, of an archive in a file, streamed.
    public func putArchive(_ id: String, at path: String = "/", file: FileHandle) async throws {
        try await putArchive(id, at: path, body: file, data: nil)
    }

    private func putArchive(_ id: String, at path: String, body: FileHandle?, data: Data?) async throws {
        let r = try await request("PUT", "/containers/\(Self.query(id))/archive?path=\(Self.query(path))", body: body, data: data,
                                  contentType: "application/x-tar", timeout: 600)
        guard r.status == 200 else { throw TransportError("putting files into the container failed (\(r.status)): \(String(decoding: r.body.prefix(400), as: UTF8.self))") }
    }

    /// The regular file at `path` in the container, or nil when there is none.
    public func readFile(_ id: String, _ path: String) async throws -> Data? {
        let r = try await request("GET", "/containers/\(Self.query(id))/archive?path=\(Self.query(path))", timeout: 300)
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw TransportError("reading \(path) in the container failed (\(r.status)): \(String(decoding: r.body.prefix(400), as: UTF8.self))") }
        let name = (path as NSString).lastPathComponent
        return try TarArchive.files(r.body)[name]
    }

    /// Runs `argv` in the running container and waits for it to end; returns its exit status. Its
    /// output is not kept: a caller that needs it redirects it to a file and reads that.
    public func exec(_ id: String, _ argv: [String], env: [String] = [], workingDirectory: String? = nil) async throws -> Int {
        var body: [String: Any] = ["Cmd": argv, "Env": env, "AttachStdout": false, "AttachStderr": false, "AttachStdin": false, "Tty": false]
        if let workingDirectory { body["WorkingDir"] = workingDirectory }
        let created = try await request("POST", "/containers/\(Self.query(id))/exec", data: try JSONSerialization.data(withJSONObject: body),
                                        contentType: "application/json")
        guard created.status == 201, let exec = (try? JSONSerialization.jsonObject(with: created.body) as? [String: Any])?["Id"] as? String else {
            throw TransportError("starting a program in the container failed (\(created.status)): \(String(decoding: created.body.prefix(400), as: UTF8.self))")
        }
        let started = try await request("POST", "/exec/\(Self.query(exec))/start",
                                        data: try JSONSerialization.data(withJSONObject: ["Detach": true, "Tty": false]), contentType: "application/json")
        guard started.status == 200 else {
            throw TransportError("starting a program in the container failed (\(started.status)): \(String(decoding: started.body.prefix(400), as: UTF8.self))")
        }
        // The engine tells the end only when asked: a short wait first (most runs take a
        // second), longer ones after.
        var wait: UInt64 = 20_000_000
        while true {
            let r = try await request("GET", "/exec/\(Self.query(exec))/json")
            guard r.status == 200, let o = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any] else {
                throw TransportError("asking after a program in the container failed (\(r.status))")
            }
            if o["Running"] as? Bool == false, let code = o["ExitCode"] as? Int { return code }
            try await Task.sleep(nanoseconds: wait)
            wait = min(wait * 2, 200_000_000)
        }
    }

    /// `docker commit`: the container's file system, as it is now, becomes the image
    /// `repository:tag` (the container keeps running; it is paused while its files are read).
    public func commit(_ id: String, repository: String, tag: String) async throws {
        let r = try await request("POST", "/commit?container=\(Self.query(id))&repo=\(Self.query(repository))&tag=\(Self.query(tag))&pause=1",
                                  data: Data("{}".utf8), contentType: "application/json", timeout: 600)
        guard r.status == 201 else {
            throw TransportError("saving the container as \(repository):\(tag) failed (\(r.status)): \(String(decoding: r.body.prefix(400), as: UTF8.self))")
        }
    }
}
