import Foundation
import NIOSSL

/// TLS with an engine did not work: which address, what went wrong, the files involved and what
/// to check, in one line. The engine was reached: it is not a bad input (exit 1).
public struct EngineTLSFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// Our CA did not sign the engine's certificate (or, without one, no system root did).
        case serverNotTrusted
        /// The certificate is signed by our CA but names another host.
        case hostnameMismatch
        /// The engine refused our certificate, or wanted one we did not send.
        case clientCertificateRefused
        /// The peer did not answer in TLS: a plain listener.
        case notTLS
        /// No handshake within the time limit.
        case timeout
        /// We spoke plain HTTP to an engine's TLS port: it answered that it wants TLS.
        case tlsRequired
        case other
    }

    public let address: String
    public let host: String
    public let kind: Kind
    /// The settings used; nil when the connection was plain.
    public let tls: EngineTLS?
    /// swift-nio-ssl's (BoringSSL's) own words.
    public let reason: String

    public var description: String {
        let names = tls?.names ?? .flags
        let what: String
        switch kind {
        case .serverNotTrusted:
            let check = tls?.ca.map { "check that \(names.ca) \($0) is the CA that signed the engine's certificate (dockerd --tlscert)" }
                ?? "give the CA that signed it with --tls-ca (or ca.pem in DOCKER_CERT_PATH with DOCKER_TLS_VERIFY)"
            what = "the engine's certificate is not signed by a CA we trust; \(check)"
        case .hostnameMismatch:
            what = "the engine's certificate is not for \(host); connect with a name or address its subjectAltName lists, or reissue it for \(host)"
        case .clientCertificateRefused:
            if let cert = tls?.cert {
                what = "the engine refused our client certificate \(cert) (\(names.cert)); check that it is signed by the CA the engine trusts (dockerd --tlscacert) and that \(names.key) is its key"
            } else {
                what = "the engine requires a client certificate and none was given; give --tls-cert and --tls-key (or cert.pem and key.pem in DOCKER_CERT_PATH)"
            }
        case .notTLS:
            what = "the engine did not answer in TLS; is this its plain port (usually 2375)? Use its TLS port (usually 2376), or drop the TLS settings for a plain one"
        case .timeout:
            what = "no TLS handshake within \(EngineHTTP.handshakeTimeout.nanoseconds / 1_000_000_000) s; is this the engine's TLS port (usually 2376)?"
        case .tlsRequired:
            what = "the engine wants TLS and the connection was plain; give --tls-ca, --tls-cert and --tls-key (or set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH)"
        case .other:
            what = "check \(tls.map { "\($0)" } ?? "the address")"
        }
        return "TLS with the Docker engine at \(address) failed: \(what) (\(reason))"
    }

    /// Sorts what swift-nio-ssl reported: BoringSSL's reason codes, which name the alert the
    /// engine sent. In TLS 1.3 the engine judges our certificate after our side of the
    /// handshake has ended: its alert then comes as the first read fails.
    static func kind(of error: Error) -> Kind {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname { return .hostnameMismatch }
        let text = "\(error)".uppercased()
        if text.contains("CERTIFICATE_VERIFY_FAILED") { return .serverNotTrusted }
        // Alerts the engine sends about our certificate (Go's server: bad_certificate for one
        // it cannot verify, certificate_required in TLS 1.3 for none).
        let refusals = ["ALERT_BAD_CERTIFICATE", "ALERT_UNKNOWN_CA", "CERTIFICATE_REQUIRED", "ALERT_CERTIFICATE_UNKNOWN",
                        "ALERT_UNSUPPORTED_CERTIFICATE", "ALERT_CERTIFICATE_EXPIRED", "ALERT_CERTIFICATE_REVOKED"]
        if refusals.contains(where: text.contains) { return .clientCertificateRefused }
        if ["WRONG_VERSION_NUMBER", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST", "UNEXPECTED_RECORD"].contains(where: text.contains) { return .notTLS }
        // A Go server that wants a certificate and got none in TLS 1.2 answers handshake_failure.
        if text.contains("ALERT_HANDSHAKE_FAILURE") { return .clientCertificateRefused }
        return .other
    }

    /// swift-nio-ssl's error, shorter: BoringSSL's reason codes without the numbers.
    static func reason(_ error: Error) -> String {
        // swift-nio-ssl names the expected host, which is "<none>" for an address.
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname { return "hostname validation failed" }
        if let extra = error as? NIOSSLExtraError { return "\(extra)" }
        let text = "\(error)"
        let codes = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).filter {
            $0.count > 3 && $0.allSatisfy { $0.isUppercase || $0 == "_" || $0.isNumber } && $0.contains("_")
        }
        return codes.isEmpty ? text : codes.joined(separator: ", ")
    }
}
