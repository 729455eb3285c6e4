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
    @discardableResult
    func exhaustMetadata(keepEvery: Int, folder: String? = nil) throws -> Int {
        let folder = folder ?? mountpoint
        let chunk = 4 << 20
        let block = [UInt8]((0..<chunk).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) })
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
        for n in 0..<400_000 {
            let path = "\(folder)/small-\(n)"
            let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
            let ok = fd >= 0 && payload.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == payload.count
            if fd >= 0 { close(fd) }
            if !ok {
                unlink(path)
                return n
            }
        }
        throw TestFailure("metadata never ran out")
    }

    /// sha256 of every file under the mountpoint, by path.
    func checksums(_ folder: String? = nil) throws -> String {
        try sh("cd '\(folder ?? mountpoint)' && find . -type f -print0 | sort -z | xargs -0 -r sha256sum")
    }

    /// Whether new files (small ones, in metadata, and a 4 MiB one) can be written.
    func writesSucceed(_ folder: String? = nil) -> Bool {
        let folder = folder ?? mountpoint
        let payload = [UInt8](repeating: 0x62, count: 2000)
        for n in 0..<200 {
            let fd = open("\(folder)/after-\(n)", O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
            let ok = fd >= 0 && payload.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == payload.count
            if fd >= 0 { close(fd) }
            if !ok { return false }
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
