import DockStoreCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The metadata-exhaustion store of the check tests, for reclaim: data chunks all allocated
/// and then thinned out, then small files (inline extents, in metadata) until ENOSPC, while
/// df still shows room.
extension TestRoot {
    /// Writes 4 MiB files until a write fails, deletes all but every `keepEvery`th, then
    /// writes 2000-byte files until one fails. Returns how many small files were written.
    ///
    /// A freshly provisioned image store of this root (nothing written to it yet) is filled
    /// once per test process and image size (`ExhaustedImages`): later roots get a copy of
    /// that image with a UUID of its own, mounted by `dockstore provision`.
    @discardableResult
    func exhaustMetadata(keepEvery: Int, folder: String? = nil) throws -> Int {
        guard folder == nil, let size = try freshImageStoreSize() else { return try fillMetadata(keepEvery: keepEvery, folder: folder ?? mountpoint) }
        let key = "\(size)-\(keepEvery)"
        if let made = ExhaustedImages.shared.image(key) {
            try remountImage { try self.sh("cp --sparse=always '\(made.path)' '\(self.image)' && btrfstune -f -u '\(self.image)' >/dev/null") }
            return made.smallFiles
        }
        let smallFiles = try fillMetadata(keepEvery: keepEvery, folder: mountpoint)
        let path = try ExhaustedImages.shared.path(key)
        try remountImage { try self.sh("sync && cp --sparse=always '\(self.image)' '\(path)'") }
        ExhaustedImages.shared.keep(key, path: path, smallFiles: smallFiles)
        return smallFiles
    }

    /// The size of this root's image when its store is mounted from it at the mountpoint (by a
    /// loop device over the image) and holds nothing yet; nil for any other store.
    func freshImageStoreSize() throws -> Int64? {
        guard let size = status(image)?.st_size, mounts().filter({ $0.target == mountpoint }).count == 1,
              loopBackingFiles() == [image],
              try FileManager.default.contentsOfDirectory(atPath: mountpoint).isEmpty else { return nil }
        return Int64(size)
    }

    /// Unmounts the image's store, runs `change` on the image while no loop device reads it,
    /// and mounts it again with `dockstore provision`, as a boot would.
    func remountImage(_ change: () throws -> Void) throws {
        try sh("umount '\(mountpoint)'")
        for _ in 0..<250 where !loopDevices().isEmpty { usleep(20_000) }
        guard loopDevices().isEmpty else { throw TestFailure("the image's loop device stayed after the unmount: \(loopDevices())") }
        try change()
        let mounted = try dockstore(["provision"])
        guard mounted.status == 0, mounts().contains(where: { $0.target == mountpoint }) else {
            throw TestFailure("provision did not mount the exhausted image again: \(mounted.stdout) \(mounted.stderr)")
        }
    }

    /// The fill itself (see `exhaustMetadata`).
    func fillMetadata(keepEvery: Int, folder: String) throws -> Int {
        let chunk = 4 << 20
        // From /dev/urandom: building 4 MiB element by element took about 1 s in a debug build.
        let block = [UInt8](try present(FileHandle(forReadingAtPath: "/dev/urandom")?.readData(ofLength: chunk), "/dev/urandom opens"))
        guard block.count == chunk else { throw TestFailure("/dev/urandom gave \(block.count) of \(chunk) bytes") }
        var written = 0
        for n in 0..<4000 {
            let fd = open("\(folder)/fill-\(n)", O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
            if fd < 0 { break }
            var rc = block.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if rc == chunk { rc = fsync(fd) == 0 ? rc : -1 }
            close(fd)
            if rc != chunk { unlink("\(folder)/fill-\(n)"); break }
            written += 1
        }
        for n in 0..<written where n % keepEvery != 0 { unlink("\(folder)/fill-\(n)") }
        try sh("sync && btrfs filesystem sync \(folder)")
        let payload = [UInt8](repeating: 0x61, count: 2000)
        func write(_ path: String) -> Bool {
            let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
            let ok = fd >= 0 && payload.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == payload.count
            if fd >= 0 { close(fd) }
            if !ok { unlink(path) }
            return ok
        }
        // A first ENOSPC can be transient: with another writer on the filesystem (a container),
        // the commit that frees the tree blocks copied on write may come just after it. Metadata is
        // out only when a write fails again after a commit of its own.
        for n in 0..<400_000 {
            let path = "\(folder)/small-\(n)"
            if write(path) { continue }
            try sh("btrfs filesystem sync \(folder)")
            if !write(path) { return n }
        }
        throw TestFailure("metadata never ran out")
    }

    /// BLAKE2b (b2sum) of every file under the mountpoint, by path.
    func checksums(_ folder: String? = nil) throws -> String {
        try sh("cd '\(folder ?? mountpoint)' && find . -type f -print0 | sort -z | xargs -0 -r b2sum")
    }

    /// Whether new files (small ones, in metadata, and a 4 MiB one) can be written.
    func writesSucceed(_ folder: String? = nil) -> Bool {
        let folder = folder ?? mountpoint
        let payload = [UInt8](repeating: 0x62, count: 2000)
        for n in 0..<200 {
            let fd = open("\(folder)/after-\(n)", O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
            let ok = fd >= 0 && payload.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == payload.count
            if fd >= 0 { close(fd) }
            if !ok {
                unlink("\(folder)/after-\(n)")
                return false
            }
        }
        return (try? sh("head -c 4194304 /dev/urandom > '\(folder)/after-big' && sync")) != nil
    }

    var reclaimJournal: String { path + "/var/lib/dockstore/reclaim.json" }
    var roomFile: String { path + "/var/lib/dockstore/reclaim-room.img" }

    func lastReclaim() throws -> [String: Any] {
        let text = try present(read(path + "/var/lib/dockstore/last-reclaim.json"), "last-reclaim.json is written")
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }
}

/// The value, or a test failure naming what is missing (for helpers outside a test function).
func present<T>(_ value: T?, _ message: String) throws -> T {
    guard let value else { throw TestFailure(message) }
    return value
}

/// The exhausted image stores of this test process, one per image size and `keepEvery`: the
/// fill ends in the same state every time (metadata 22.70 of 32 MiB used, the same files), and
/// its last thousand small files cost about 13 s each time, because near ENOSPC btrfs flushes
/// and commits before every failed reservation. Kept in the run's folder (scripts/test's sweep
/// removes it) and removed when the process exits.
final class ExhaustedImages: @unchecked Sendable {
    static let shared = ExhaustedImages()

    struct Made {
        var path: String
        var smallFiles: Int
    }

    private let lock = NSLock()
    private var made: [String: Made] = [:]
    private var folder: String?

    func image(_ key: String) -> Made? {
        lock.lock()
        defer { lock.unlock() }
        return made[key]
    }

    func keep(_ key: String, path: String, smallFiles: Int) {
        lock.lock()
        defer { lock.unlock() }
        made[key] = Made(path: path, smallFiles: smallFiles)
    }

    /// Where the image for `key` goes, in a folder of this process's own.
    func path(_ key: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let folder { return "\(folder)/\(key).img" }
        let parent = ProcessInfo.processInfo.environment["DOCKSTORE_TEST_TMPDIR"] ?? "/tmp"
        let made = "\(parent)/dockstore-exhausted.\(getpid())"
        try FileManager.default.createDirectory(atPath: made, withIntermediateDirectories: true)
        folder = made
        atexit { ExhaustedImages.shared.removeFolder() }
        return "\(made)/\(key).img"
    }

    func removeFolder() {
        lock.lock()
        defer { lock.unlock() }
        if let folder { try? FileManager.default.removeItem(atPath: folder) }
    }
}
