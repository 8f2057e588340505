import Foundation

/// Certificates for TLS tests, made with the `openssl` command.
public enum TestCertificates {
    /// The `openssl` command, when there is one.
    public static let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// In a new directory: a CA (`ca.pem`, `ca.key`), a server and a client certificate it
    /// signed for 127.0.0.1 (`server.pem`, `client.pem`, with `server.key` and `client.key`),
    /// valid for two days, and `expired.pem`, the server's key certified for 1 to 2 January 2024
    /// only.
    public static func make() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fix-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1\n"
            .write(to: dir.appendingPathComponent("leaf.ext"), atomically: true, encoding: .utf8)
        func run(_ arguments: [String]) throws {
            guard let openssl else { throw Failure(description: "no openssl command") }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: openssl)
            p.arguments = arguments
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            if p.terminationStatus != 0 { throw Failure(description: "openssl \(arguments.joined(separator: " ")) failed") }
        }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(["req", "-x509"] + key + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=FIX Test CA"])
        for name in ["server", "client"] {
            try run(["req"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "\(name).pem", "-days", "2", "-extfile", "leaf.ext"])
        }
        // `openssl x509 -days` counts from now: `openssl ca` sets both ends of an expired period.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("ca"), withIntermediateDirectories: true)
        try Data().write(to: dir.appendingPathComponent("ca/index.txt"))
        try "01\n".write(to: dir.appendingPathComponent("ca/serial"), atomically: true, encoding: .utf8)
        try """
            [ca]
            default_ca = test
            [test]
            database = ca/index.txt
            new_certs_dir = ca
            serial = ca/serial
            default_md = sha256
            policy = any
            unique_subject = no
            [any]
            commonName = supplied

            """.write(to: dir.appendingPathComponent("ca.cnf"), atomically: true, encoding: .utf8)
        try run(["ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "server.csr",
                 "-out", "expired.pem", "-notext", "-startdate", "20240101000000Z", "-enddate", "20240102000000Z",
                 "-extfile", "leaf.ext"])
        return dir
    }
}
