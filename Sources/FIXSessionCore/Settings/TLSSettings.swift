/// TLS for a session's connection, present when `SocketUseSSL=Y`. Paths are absolute, or
/// relative to the working directory when the settings were parsed with a relative directory.
public struct TLSSettings: Sendable, Hashable {
    /// This side's certificate chain, PEM (`SSLCertificate`). Required for an acceptor; for an
    /// initiator, a client certificate to present when the acceptor asks for one.
    public var certificate: String?
    /// The private key of ``certificate``, PEM (`SSLPrivateKey`). Required with a certificate.
    public var privateKey: String?
    /// Certificates (PEM) trusted to sign the peer's certificate (`SSLCACertificate`); nil for
    /// the system's trust roots.
    public var caCertificate: String?
    /// Verify the peer's certificate (`SSLVerifyPeer`). An initiator checks the acceptor's
    /// certificate and host name; an acceptor requires a client certificate and verifies it.
    /// Default: Y for an initiator, N for an acceptor.
    public var verifyPeer: Bool

    /// TLS settings; paths as given (not resolved).
    public init(certificate: String? = nil, privateKey: String? = nil, caCertificate: String? = nil,
                verifyPeer: Bool) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.caCertificate = caCertificate
        self.verifyPeer = verifyPeer
    }
}
