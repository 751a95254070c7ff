import Foundation

/// Names of hosts as connections use them.
public enum NetworkAddress {
    /// Whether `host` is an IPv4 or IPv6 address rather than a name: TLS sends no server name
    /// (SNI) for an address, and checks the certificate against it instead.
    public static func isIP(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
