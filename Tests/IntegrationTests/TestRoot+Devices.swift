import DockStoreCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loop devices over sparse files inside the test root stand in for EBS volumes;
/// `cleanUp()` detaches them with everything else backed by files in the root.
extension TestRoot {
    /// A new loop device over a sparse file of `megabytes`, optionally read-only.
    /// `at` attaches it to that loop device (a reboot giving a name to another disk): named, not
    /// "the first free one", which another run on this machine may take between a detach and here.
    func attachDisk(megabytes: Int, readOnly: Bool = false, at device: String? = nil, prepare: ((String) throws -> Void)? = nil) throws -> String {
        let file = "\(path)/disk-\(UUID().uuidString.prefix(8)).img"
        try sh("truncate -s \(megabytes)M '\(file)'")
        try prepare?(file)
        if let device {
            try sh("losetup \(readOnly ? "-r " : "")'\(device)' '\(file)'")
            return device
        }
        return try sh("losetup \(readOnly ? "-r " : "")-f --show '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first and last MiB of a device, to prove a refusal never wrote to it.
    func ends(_ device: String) throws -> [UInt8] {
        let fd = open(device, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TestFailure("open \(device): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        var out: [UInt8] = []
        for offset in [0, max(0, size - (1 << 20))] {
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 1 << 20, off_t(offset)) }
            out += buffer.prefix(max(0, n))
        }
        return out
    }
}
