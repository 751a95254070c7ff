import Foundation
import SwiftProtobuf
import Synchronization

/// What a build session serves to BuildKit: the named contexts (FileSync), the secrets given
/// on the command line, and health checks for as long as the build runs.
final class SessionServices: Sendable {
    static let methods = [
        "/moby.filesync.v1.FileSync/DiffCopy",
        "/grpc.health.v1.Health/Check",
        "/moby.buildkit.secrets.v1.Secrets/GetSecret",
        "/moby.filesync.v1.Auth/Credentials",
    ]

    /// A registry host → its login, if any (username and password, or an empty username and an
    /// identity token, as the docker CLI answers BuildKit).
    typealias Logins = @Sendable (String) throws -> (username: String, secret: String)?

    let contexts: [String: ContextSource]
    let secrets: [String: [UInt8]]
    let logins: Logins
    private let failures = Mutex<[String]>([])

    /// Failures that happened while serving (shown if the build fails).
    var errors: [String] { failures.withLock { $0 } }

    init(contexts: [String: ContextSource], secrets: [String: [UInt8]], logins: @escaping Logins = { _ in nil }) {
        self.contexts = contexts
        self.secrets = secrets
        self.logins = logins
    }

    @Sendable func route(_ path: String) -> GRPCServerStreamHandler.Handler? {
        switch path.lowercased() {
        case "/moby.filesync.v1.filesync/diffcopy": return { await self.diffCopy($0) }
        case "/grpc.health.v1.health/check": return { await self.health($0) }
        case "/moby.buildkit.secrets.v1.secrets/getsecret": return { await self.secret($0) }
        // Without this, BuildKit reads registries anonymously, and a cache import from a
        // registry with a login fails with a 401 that it ignores: every step runs again.
        case "/moby.filesync.v1.auth/credentials": return { await self.credentials($0) }
        default: return nil
        }
    }

    private func health(_ call: GRPCServerCall) async {
        do {
            for try await _ in call.requests {}
            var response = Grpc_Health_V1_HealthCheckResponse()
            response.status = .serving
            try await call.send(Array(try response.serializedBytes() as [UInt8]))
            await call.finish()
        } catch {
            await call.finish(code: 13, message: "\(error)")
        }
    }

    private func diffCopy(_ call: GRPCServerCall) async {
        let name = call.values("dir-name").first ?? ""
        guard let source = contexts[name] else {
            await call.finish(code: 5, message: "no context named \(name) in this build")
            return
        }
        do {
            let entries = try source.entries(includes: call.values("include-patterns"), excludes: call.values("exclude-patterns"))
            try await FileSyncSender(entries: entries).run(call)
            await call.finish()
        } catch {
            failures.withLock { $0.append("sending context \(name): \(error)") }
            await call.finish(code: 13, message: "\(error)")
        }
    }

    private func secret(_ call: GRPCServerCall) async {
        do {
            var id = ""
            for try await message in call.requests {
                id = try Moby_Buildkit_Secrets_V1_GetSecretRequest(serializedBytes: Array(message.readableBytesView)).id
            }
            guard let data = secrets[id] else {
                await call.finish(code: 5, message: "secret \(id) was not given; pass --secret id=\(id),src=FILE")
                return
            }
            var response = Moby_Buildkit_Secrets_V1_GetSecretResponse()
            response.data = Data(data)
            try await call.send(Array(try response.serializedBytes() as [UInt8]))
            await call.finish()
        } catch {
            await call.finish(code: 13, message: "\(error)")
        }
    }

    private func credentials(_ call: GRPCServerCall) async {
        var host = ""
        do {
            for try await message in call.requests {
                host = try Moby_Filesync_V1_CredentialsRequest(serializedBytes: Array(message.readableBytesView)).host
            }
            var response = Moby_Filesync_V1_CredentialsResponse()
            if let login = try logins(host) {
                response.username = login.username
                response.secret = login.secret
            }
            try await call.send(Array(try response.serializedBytes() as [UInt8]))
            await call.finish()
        } catch {
            failures.withLock { $0.append("reading the login for \(host): \(error)") }
            await call.finish(code: 13, message: "\(error)")
        }
    }
}
