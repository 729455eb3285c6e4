import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The loop device a kernel name means, whatever /dev holds for it (attack 35 Z C5: with the
/// store's own loop device's node renamed away, check said UNKNOWN "cannot open /dev/loopN";
/// a node at that name for another device would have been read as the store's). The kernel's
/// names (`/dev/loopN`, as /sys/block and btrfs give them) are opened by the device number sysfs
/// gives: through /dev's node when it is that device, else, for root, through a node made for
/// the number (`PrivateBlockNodes`) and removed right after the open. Without root a missing or
/// wrong node stays an error: what cannot be opened is never taken for unbound.
extension LoopDevice {
    static func withKernelDescriptor<T>(_ path: String, sysBlock: String = "/sys/block",
                                        _ body: (FileDescriptor) throws -> T) throws -> T {
        let name = kernelName(path)
        let fd: FileDescriptor
        do {
            fd = try Syscall.open(path, .readOnly)
        } catch let error as DockStoreError where error.code == ENOENT {
            guard let name, let number = try sysfsNumber(name, sysBlock: sysBlock) else { throw error }
            return try throughPrivateNode(number, name: name, path: path, failing: error, body)
        }
        if let name {
            var st = stat()
            guard fstat(fd.rawValue, &st) == 0 else {
                let code = errno
                try? fd.close()
                throw DockStoreError.system("cannot look at", path, errno: code)
            }
            let rdev = UInt64(st.st_rdev)
            // The common case costs no sysfs read: /dev/loopN is block 7:(N << the minor shift
            // that max_part gives); an unknown shift reads sysfs every time.
            let plain = (st.st_mode & S_IFMT) == S_IFBLK && major(rdev) == 7
                && minorShift.flatMap { shift in UInt64(name.dropFirst(4)).map { $0 << shift } } == minor(rdev)
            if !plain {
                let number: UInt64
                do {
                    guard let read = try sysfsNumber(name, sysBlock: sysBlock) else {
                        throw DockStoreError.refused("\(path) is a node for \(major(rdev)):\(minor(rdev)), and the kernel has no \(name) (\(sysBlock)/\(name)/dev is not there): it is not the loop device it is named for")
                    }
                    number = read
                } catch {
                    try? fd.close()
                    throw error
                }
                guard (st.st_mode & S_IFMT) != S_IFBLK || rdev != number else { return try fd.closeAfter(path) { try body(fd) } }
                try? fd.close()
                let other = (st.st_mode & S_IFMT) == S_IFBLK ? "device \(major(rdev)):\(minor(rdev))" : "no block device"
                let wrong = DockStoreError.refused("\(path) is \(other), not the kernel's \(name) (\(major(number)):\(minor(number))): its node in /dev was replaced; only root can read \(name) through a node of its own")
                return try throughPrivateNode(number, name: name, path: path, failing: wrong, body)
            }
        }
        return try fd.closeAfter(path) { try body(fd) }
    }

    /// "loopN" for the kernel's name of a loop device, `/dev/loopN`; nil for any other path.
    static func kernelName(_ path: String) -> String? {
        guard path.hasPrefix("/dev/loop") else { return nil }
        let name = String(path.dropFirst("/dev/".count))
        return name.dropFirst(4).allSatisfy(\.isASCIIDigitCharacter) && name.count > 4 ? name : nil
    }

    /// How far a loop device's index is shifted in its minor number: the loop driver's `max_part`
    /// (partitions per device, `modprobe loop max_part=N` or `losetup -P` on some kernels) rounded
    /// up to whole bits (the kernel's `fls(max_part)`): 0 without partitions, so loopN is 7:N;
    /// with max_part 15, loop1 is 7:16. nil when the parameter cannot be read.
    static let minorShift: UInt64? = CapacityProbe.number("/sys/module/loop/parameters/max_part").map(minorShift(maxPart:))

    static func minorShift(maxPart: UInt64) -> UInt64 {
        UInt64(UInt64.bitWidth - maxPart.leadingZeroBitCount)
    }

    /// The kernel's name (`loopN`) of the loop device numbered `number`, by sysfs's
    /// `/sys/dev/block/MAJOR:MINOR` link, since loopN is 7:N only without partitions; nil when no
    /// loop device has that number (a partition of one, `loopNpM`, is none).
    static func kernelName(ofNumber number: UInt64, sysBlock: String = "/sys/block") -> String? {
        let sysfs = sysBlock.hasSuffix("/block") ? String(sysBlock.dropLast("/block".count)) : "/sys"
        guard major(number) == 7, let name = SysfsBlock(root: sysfs).name(ofDevice: number),
              kernelName("/dev/\(name)") != nil else { return nil }
        return name
    }

    /// The device number (st_rdev form) sysfs gives for `name`; nil when sysfs has no such device.
    static func sysfsNumber(_ name: String, sysBlock: String) throws -> UInt64? {
        let file = "\(sysBlock)/\(name)/dev"
        guard let text = try FileContents.readString(file) else { return nil }
        let parts = text.trimmingWhitespace().split(separator: ":")
        guard parts.count == 2, let high = UInt64(parts[0]), let low = UInt64(parts[1]) else {
            throw DockStoreError.refused("cannot read \(file): \(text.trimmingWhitespace()) is no MAJOR:MINOR")
        }
        return deviceNumber(major: high, minor: low)
    }

    private static func throughPrivateNode<T>(_ number: UInt64, name: String, path: String, failing error: DockStoreError,
                                              _ body: (FileDescriptor) throws -> T) throws -> T {
        let nodes = PrivateBlockNodes()
        defer { nodes.removeAll() }
        guard let node = try nodes.node(for: number, name: name) else { throw error }
        let fd = try Syscall.open(node, .readOnly)
        nodes.removeAll()
        return try fd.closeAfter(path) { try body(fd) }
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

extension LoopDevice {
    /// The device number (st_rdev form) of the block device `path` names: for a kernel name
    /// `/dev/loopN`, the kernel's loopN by sysfs, whatever /dev holds; otherwise the node's;
    /// nil when there is no such device or `path` is no block device.
    static func blockNumber(_ path: String, sysBlock: String = "/sys/block") throws -> UInt64? {
        if let name = kernelName(path), let number = try sysfsNumber(name, sysBlock: sysBlock) { return number }
        guard let node = try FileStatus.following(path), node.kind == .blockDevice else { return nil }
        return node.rdev
    }
}
