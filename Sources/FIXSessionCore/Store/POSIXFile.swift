#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// An open file descriptor with its path, and the few system calls the stores and logs make,
/// each failing with a ``StoreError`` that names the path and the system's reason.
/// Not a class: the owner closes it.
struct POSIXFile {
    let fd: Int32
    let path: String

    /// Opens `path` (`flags` as for open(2); close-on-exec is always added).
    init(path: String, flags: Int32, mode: mode_t = 0o644) throws(StoreError) {
        do {
            fd = try Self.open(path, flags: flags, mode: mode)
        } catch {
            throw StoreError(.cannotOpen, path: path, "cannot open: \(error)")
        }
        self.path = path
    }

    /// Opens `path` when it exists; nil when it does not.
    static func openIfExists(path: String, flags: Int32) throws(StoreError) -> POSIXFile? {
        do {
            return POSIXFile(fd: try open(path, flags: flags & ~O_CREAT, mode: 0), path: path)
        } catch Errno.noSuchFileOrDirectory {
            return nil
        } catch {
            throw StoreError(.cannotOpen, path: path, "cannot open: \(error)")
        }
    }

    /// open(2) with `flags` (close-on-exec added) through swift-system, which retries it when
    /// interrupted.
    private static func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32 {
        try FileDescriptor.open(path, FileDescriptor.AccessMode(rawValue: flags & O_ACCMODE),
                                options: FileDescriptor.OpenOptions(rawValue: (flags & ~O_ACCMODE) | O_CLOEXEC),
                                permissions: FilePermissions(rawValue: mode)).rawValue
    }

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// The file's size in bytes.
    func size() throws(StoreError) -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError(.cannotRead, path: path, "cannot stat: \(errnoText())") }
        return Int64(st.st_size)
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(StoreError) {
        do {
            try FileDescriptor(rawValue: fd).writeAll(toAbsoluteOffset: offset, bytes)
        } catch {
            throw StoreError(.cannotWrite, path: path, "cannot write \(bytes.count) bytes at byte \(offset): \(error)")
        }
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int64) throws(StoreError) {
        let result = bytes.withUnsafeBytes { b in
            Result { () throws(StoreError) in try write(b, at: offset) }
        }
        try result.get()
    }

    /// Reads into `buffer[range]` at `offset`; returns how many bytes were read (fewer than
    /// `range.count` only at the end of the file).
    func read(into buffer: inout [UInt8], _ range: Range<Int>, at offset: Int64) throws(StoreError) -> Int {
        let result = buffer.withUnsafeMutableBytes { b in
            Result { () throws(StoreError) in try read(into: UnsafeMutableRawBufferPointer(rebasing: b[range]), at: offset) }
        }
        return try result.get()
    }

    /// Appends all of `bytes` at the current position (for files opened with `O_APPEND`).
    func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        do {
            try FileDescriptor(rawValue: fd).writeAll(bytes)
        } catch {
            throw StoreError(.cannotWrite, path: path, "cannot write: \(error)")
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(StoreError) -> Int {
        var done = 0
        while done < buffer.count {
            let n: Int
            do {
                n = try FileDescriptor(rawValue: fd).read(fromAbsoluteOffset: offset + Int64(done),
                                                          into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            } catch {
                throw StoreError(.cannotRead, path: path, "cannot read at byte \(offset): \(error)")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Makes the file's data (and its size) durable.
    func sync() throws(StoreError) {
        #if os(Linux)
        let rc = retryingEINTR { fdatasync(fd) }
        #else
        let rc = retryingEINTR { fsync(fd) }
        #endif
        guard rc == 0 else { throw StoreError(.cannotSync, path: path, "cannot sync to disk: \(errnoText())") }
    }

    /// Reserves the file's blocks for `[offset, offset + length)`, extending the file with zeros
    /// where it is shorter: writes into that range through a mapping can then not fail for want
    /// of space (which would be a SIGBUS, not an error).
    func preallocate(offset: Int64, length: Int) throws(StoreError) {
        #if os(Linux)
        let rc = posix_fallocate(fd, off_t(offset), off_t(length))
        guard rc == 0 else { throw StoreError(.cannotWrite, path: path, "cannot reserve \(length) bytes at byte \(offset): \(String(cString: strerror(rc)))") }
        #else
        if try size() < offset + Int64(length) { try truncate(to: offset + Int64(length)) }
        #endif
    }

    /// Maps `[offset, offset + length)` of the file for reading and writing, shared: what is
    /// stored into the mapping is the file's page cache, kept by the system when the process
    /// stops. `offset` is a multiple of the page size.
    func map(offset: Int64, length: Int) throws(StoreError) -> UnsafeMutableRawPointer {
        let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off_t(offset))
        guard let p, p != MAP_FAILED else {
            throw StoreError(.cannotWrite, path: path, "cannot map \(length) bytes at byte \(offset): \(errnoText())")
        }
        return p
    }

    /// Cuts the file to `length` bytes.
    func truncate(to length: Int64) throws(StoreError) {
        do {
            try FileDescriptor(rawValue: fd).resize(to: length)
        } catch {
            throw StoreError(.cannotWrite, path: path, "cannot truncate to \(length) bytes: \(error)")
        }
    }

    /// Takes an exclusive advisory lock (flock), failing when another open file holds it
    /// still after `patience`. (A lock held by a file this process closed can linger a moment:
    /// a child process being spawned holds copies of the descriptors until its exec.)
    func lockExclusively(patience: Duration = .milliseconds(500)) throws(StoreError) {
        let deadline = ContinuousClock.now + patience
        while true {
            if retryingEINTR({ flock(fd, LOCK_EX | LOCK_NB) }) == 0 { return }
            guard errno == EWOULDBLOCK else { throw StoreError(.cannotOpen, path: path, "cannot lock: \(errnoText())") }
            guard ContinuousClock.now < deadline else {
                throw StoreError(.inUse, path: path, "is in use by another store (locked)")
            }
            usleep(2000)
        }
    }

    func close() {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #elseif canImport(Musl)
        _ = Musl.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// Makes the entries of directory `path` (files created, renamed, removed) durable.
    static func syncDirectory(_ path: String) throws(StoreError) {
        let dir = try POSIXFile(path: path, flags: O_RDONLY | O_DIRECTORY)
        defer { dir.close() }
        let rc = retryingEINTR { fsync(dir.fd) }
        guard rc == 0 else { throw StoreError(.cannotSync, path: path, "cannot sync directory: \(errnoText())") }
    }

    /// Renames `from` to `to`, replacing `to` atomically.
    static func rename(_ from: String, to: String) throws(StoreError) {
        #if canImport(Glibc)
        let rc = Glibc.rename(from, to)
        #elseif canImport(Musl)
        let rc = Musl.rename(from, to)
        #else
        let rc = Darwin.rename(from, to)
        #endif
        guard rc == 0 else { throw StoreError(.cannotWrite, path: to, "cannot rename \(from) to it: \(errnoText())") }
    }

    /// Removes `path`; true when it existed.
    @discardableResult
    static func remove(_ path: String) throws(StoreError) -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw StoreError(.cannotWrite, path: path, "cannot remove: \(errnoText())")
    }

    /// Creates directory `path` and any missing parents.
    static func makeDirectories(_ path: String) throws(StoreError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw StoreError(.cannotOpen, path: path, "cannot create directory \(prefix): \(errnoText())")
            }
            prefix += "/"
        }
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw StoreError(.cannotOpen, path: path, "is not a directory")
        }
    }
}

/// Calls `call` again while it fails with EINTR: for the system calls swift-system's
/// FileDescriptor does not offer (fsync, fdatasync, flock).
@inline(__always)
func retryingEINTR(_ call: () -> Int32) -> Int32 {
    while true {
        let rc = call()
        if rc < 0 && errno == EINTR { continue }
        return rc
    }
}

/// The text of the current errno.
func errnoText() -> String {
    let e = errno
    return "\(String(cString: strerror(e))) (errno \(e))"
}
