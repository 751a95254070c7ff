import Foundation
import NIOSSL
import Synchronization

/// The swift-nio-ssl context of an `EngineTLS`: its files read and parsed once per process (a
/// build makes a few dozen connections), each problem a `FileProblem` naming its setting.
enum EngineTLSContext {
    private static let made = Mutex<[EngineTLS: NIOSSLContext]>([:])

    static func make(_ tls: EngineTLS) throws -> NIOSSLContext {
        if let known = made.withLock({ $0[tls] }) { return known }
        let context = try build(tls)
        made.withLock { $0[tls] = context }
        return context
    }

    private static func build(_ tls: EngineTLS) throws -> NIOSSLContext {
        var config = TLSConfiguration.makeClientConfiguration()
        // As the docker CLI (go-connections tlsconfig): TLS 1.2 at least.
        config.minimumTLSVersion = .tlsv12
        // Full verification checks the chain and that the certificate names the host (or, for
        // an address, that IP); DOCKER_TLS alone skips both, as the CLI does.
        config.certificateVerification = tls.verifyServer ? .fullVerification : .none
        if let ca = tls.ca, tls.verifyServer {
            // The CA alone, not added to the system's roots: the CLI trusts only ca.pem too.
            config.trustRoots = .certificates(try certificates(ca, setting: tls.names.ca, what: "CA certificate"))
        }
        switch (tls.cert, tls.key) {
        case (nil, nil):
            break
        case (let cert?, let key?):
            config.certificateChain = try certificates(cert, setting: tls.names.cert, what: "client certificate").map { .certificate($0) }
            config.privateKey = .privateKey(try privateKey(key, setting: tls.names.key))
        case (_?, nil):
            throw EngineTLS.FileProblem(setting: tls.names.cert, message: "a client certificate needs its key; give \(tls.names.key) too")
        case (nil, _?):
            throw EngineTLS.FileProblem(setting: tls.names.key, message: "a key needs its client certificate; give \(tls.names.cert) too")
        }
        do {
            return try NIOSSLContext(configuration: config)
        } catch {
            // The files each parsed: what fails now is their pairing.
            throw EngineTLS.FileProblem(setting: tls.names.cert,
                                        message: "\(tls.cert ?? "") and the key \(tls.key ?? "") cannot be used together (\(error)); is the key that of this certificate?")
        }
    }

    private static func readable(_ path: String, setting: String, what: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw EngineTLS.FileProblem(setting: setting, message: "\(path): no such file (the \(what))")
        }
        guard !isFolder.boolValue else {
            throw EngineTLS.FileProblem(setting: setting, message: "\(path) is a folder; name the \(what) file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw EngineTLS.FileProblem(setting: setting, message: "\(path) cannot be read (the \(what)); check its permissions")
        }
    }

    private static func certificates(_ path: String, setting: String, what: String) throws -> [NIOSSLCertificate] {
        try readable(path, setting: setting, what: what)
        let found = try? NIOSSLCertificate.fromPEMFile(path)
        guard let found, !found.isEmpty else {
            throw EngineTLS.FileProblem(setting: setting, message: "\(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----); it should be the \(what)")
        }
        return found
    }

    private static func privateKey(_ path: String, setting: String) throws -> NIOSSLPrivateKey {
        try readable(path, setting: setting, what: "private key")
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            // An encrypted key lands here too; the docker CLI refuses those as well.
            throw EngineTLS.FileProblem(setting: setting, message: "\(path) holds no usable PEM private key (an encrypted key is not supported, as in the docker CLI)")
        }
    }
}
