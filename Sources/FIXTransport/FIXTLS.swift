import FIX
import FIXSessionCore
import NIOCore
import NIOSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

extension FIXTLS {
    /// Why a TLS handshake failed, in words. When the peer's certificate did not verify, what is
    /// wrong with it as far as it shows (expired, or not valid yet, with the date; else not
    /// signed by a trusted authority), for BoringSSL's error says only `CERTIFICATE_VERIFY_FAILED`.
    public static func handshakeFailure(_ error: any Error, peerCertificate: NIOSSLCertificate?,
                                        now: UTCTimestamp = systemNow()) -> String {
        guard case .handshakeFailed(let underlying)? = error as? NIOSSLError else {
            if let error = error as? ChannelError, error == .eof { return "the connection was closed during the handshake" }
            return "\(error)"
        }
        let text = Self.describe(underlying)
        guard text.contains("CERTIFICATE_VERIFY_FAILED") else { return text }
        guard let certificate = peerCertificate else { return "the peer's certificate did not verify (\(text))" }
        let seconds = now.nanosecondsSinceEpoch / 1_000_000_000
        func time(_ t: time_t) -> String {
            "\(UTCTimestamp(nanosecondsSinceEpoch: Int64(t) * 1_000_000_000, fractionDigits: 0)) UTC"
        }
        if Int64(certificate.notValidAfter) < seconds {
            return "the peer's certificate has expired (not valid after \(time(certificate.notValidAfter)))"
        }
        if Int64(certificate.notValidBefore) > seconds {
            return "the peer's certificate is not valid yet (not valid before \(time(certificate.notValidBefore)))"
        }
        return "the peer's certificate is not signed by a trusted authority (SSLCACertificate, or the system's) (\(text))"
    }

    /// BoringSSL's errors by their reasons (`CERTIFICATE_VERIFY_FAILED`), without codes and
    /// source files.
    static func describe(_ error: BoringSSLError) -> String {
        guard case .sslError(let stack) = error, !stack.isEmpty else { return "\(error)" }
        return stack.map { e -> String in
            // "Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:REASON at FILE:LINE"
            let text = "\(e)"
            guard let start = text.firstRange(of: "error:") else {
                return String(text.trimmingPrefix("Error:").drop { $0 == " " })
            }
            var rest = text[start.upperBound...]
            if let at = rest.firstRange(of: " at ") { rest = rest[..<at.lowerBound] }
            return String(rest.split(separator: ":").last ?? rest)
        }.joined(separator: ", ")
    }
}

/// TLS settings that cannot make a context.
public struct TLSConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
