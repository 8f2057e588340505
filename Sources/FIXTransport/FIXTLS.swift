import FIXSession
import NIOSSL

/// TLS contexts for sessions, from the settings' certificate, key and CA files (PEM).
public enum FIXTLS {
    /// The server side: our certificate and key (required); with `verifyPeer`, clients must
    /// present a certificate signed by the CA file's authorities.
    public static func serverContext(_ settings: TLSSettings) throws -> NIOSSLContext {
        guard let certificate = settings.certificate, let key = settings.privateKey else {
            throw TLSConfigurationError("an acceptor with TLS needs SSLCertificate and SSLPrivateKey")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        if let ca = settings.caCertificate {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        }
        configuration.certificateVerification = settings.verifyPeer ? .noHostnameVerification : .none
        return try NIOSSLContext(configuration: configuration)
    }

    /// The client side: the server's certificate is checked against the CA file (or the system's
    /// authorities) when `verifyPeer`; our own certificate and key are presented when given.
    public static func clientContext(_ settings: TLSSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let ca = settings.caCertificate {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        }
        if let certificate = settings.certificate, let key = settings.privateKey {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        // Sessions connect to addresses from settings, often IP addresses: the certificate is
        // checked against the CA, not against a host name.
        configuration.certificateVerification = settings.verifyPeer ? .noHostnameVerification : .none
        return try NIOSSLContext(configuration: configuration)
    }
}

/// TLS settings that cannot make a context.
public struct TLSConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
