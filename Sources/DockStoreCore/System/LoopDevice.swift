import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A bound loop device and the file behind it (LOOP_GET_STATUS64).
public struct LoopDevice: Sendable, Equatable {
    /// `/dev/loopN`
    public var path: String
    public var backingDevice: UInt64
    public var backingInode: UInt64
    /// The backing file's name as the kernel kept it (its first 63 bytes).
    public var backingName: String
    public var autoclear: Bool

    /// The status of the loop device at `path`, or nil when it is not bound to a file.
    public static func status(_ path: String) throws -> LoopDevice? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DockStoreError.system("cannot open", path, errno: errno) }
        defer { close(fd) }
        var info = ds_loop_status()
        switch Syscall.attempt({ ds_loop_get_status(fd, &info) }) {
        case .success: break
        case .failure(let code) where code == ENXIO: return nil
        case .failure(let code): throw DockStoreError.system("cannot read the loop status of", path, errno: code)
        }
        let name = withUnsafeBytes(of: info.file_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return LoopDevice(path: path, backingDevice: info.backing_device, backingInode: info.backing_inode,
                          backingName: name, autoclear: info.flags & ds_loop_flag_autoclear() != 0)
    }

    /// Every bound loop device whose backing file is the file `file` (same st_dev and st_ino).
    /// Reads /sys/block/loop*/loop, which exists only for bound devices. A bound loop device
    /// whose status cannot be read is an error, not "some other file": it could be this one.
    public static func devices(backing file: FileStatus, sysBlock: String = "/sys/block") throws -> [LoopDevice] {
        guard let names = FolderEntries.names(sysBlock) else {
            throw DockStoreError.system("cannot list", sysBlock, errno: errno)
        }
        var found: [LoopDevice] = []
        for name in names {
            guard name.hasPrefix("loop"), access("\(sysBlock)/\(name)/loop", F_OK) == 0 else { continue }
            // Unbound between the listing and the read: nil, and not this file's.
            guard let device = try status("/dev/\(name)") else { continue }
            if device.backingDevice == file.device && device.backingInode == file.inode {
                found.append(device)
            }
        }
        return found.sorted { $0.path < $1.path }
    }
}

extension LoopDevice {
    /// The backing file's path as the kernel shows it in sysfs (with " (deleted)" appended
    /// once it is unlinked), for a loop device node; nil for any other device or an unbound one.
    public static func backingFile(of device: String, sysBlock: String = "/sys/block") throws -> String? {
        guard device.hasPrefix("/dev/"), let status = try FileStatus.following(device), status.kind == .blockDevice,
              major(status.rdev) == 7 else { return nil }
        guard var text = try FileContents.readString("\(sysBlock)/loop\(minor(status.rdev))/loop/backing_file") else { return nil }
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

func major(_ dev: UInt64) -> UInt64 { ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff)) }
func minor(_ dev: UInt64) -> UInt64 { (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff)) }
