import CBlkid
import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// What a disk or an image file holds, as libblkid and a look at its first and last MiB tell.
///
/// "Blank" is said only when libblkid finds nothing *and* both ends read back as zeros: a
/// device that cannot be read, or holds data no prober knows, is never taken for empty
/// (the hole kubernetes#142243 fell into).
public enum BlockContent: Sendable, Equatable {
    case blank
    /// A filesystem, swap, RAID or LVM signature (blkid's TYPE), with its UUID and label.
    case signature(type: String, uuid: String?, label: String?)
    /// A partition table (blkid's PTTYPE).
    case partitionTable(String)
    /// More than one signature claims the start; libblkid will not say which (-2).
    case ambivalent
    /// No known signature, but the first or last MiB holds non-zero bytes.
    case unrecognizedData
    /// Reading failed: the reason.
    case unreadable(String)

    public var summary: String {
        switch self {
        case .blank: return "blank"
        case .signature(let type, _, _): return "a \(type) signature"
        case .partitionTable(let type): return "a \(type) partition table"
        case .ambivalent: return "more than one signature (libblkid cannot tell which is valid)"
        case .unrecognizedData: return "data that no known signature describes"
        case .unreadable(let reason): return "unreadable (\(reason))"
        }
    }
}

/// libblkid's low-level probe (`blkid_do_safeprobe`) wrapped for Swift.
public enum BlockProbe {
    public static func probe(_ path: String) -> BlockContent {
        guard let probe = blkid_new_probe_from_filename(path) else {
            return .unreadable("cannot open for probing: \(Errno.text(errno))")
        }
        defer { blkid_free_probe(probe) }
        blkid_probe_enable_superblocks(probe, 1)
        blkid_probe_set_superblocks_flags(probe, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL)
        blkid_probe_enable_partitions(probe, 1)
        let rc = blkid_do_safeprobe(probe)
        switch rc {
        case 0:
            if let type = value(probe, "TYPE") {
                return .signature(type: type, uuid: value(probe, "UUID"), label: value(probe, "LABEL"))
            }
            if let table = value(probe, "PTTYPE") { return .partitionTable(table) }
            return .signature(type: "unknown", uuid: nil, label: nil)
        case 1:
            return endsAreZero(path)
        case -2:
            return .ambivalent
        default:
            return .unreadable("libblkid could not probe it")
        }
    }

    /// The first device node (by kernel name) that holds the filesystem with this UUID, by
    /// probing every block device now: libblkid's tag evaluation answers from its cache and
    /// was seen naming a device that had become blank after names changed. Refuses when two
    /// of them are block copies of one member (`StoreCopies`): "the first" would then be
    /// whichever copy has the lower kernel name, possibly a stale one (attack 11 A-2).
    public static func device(withUUID uuid: String) throws -> String? {
        let devices = try FilesystemMembers.devices(withUUID: uuid)
        try StoreCopies.refuse(uuid: uuid, among: devices)
        return devices.first
    }

    private static func value(_ probe: blkid_probe, _ name: String) -> String? {
        var data: UnsafePointer<CChar>? = nil
        var length = 0
        guard blkid_probe_lookup_value(probe, name, &data, &length) == 0, let data else { return nil }
        return String(cString: data)
    }

    /// Reads the first and last MiB; any I/O error means "unreadable", never "blank".
    static func endsAreZero(_ path: String) -> BlockContent {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec, .noFollow])
        } catch {
            return .unreadable("cannot open: \(error)")
        }
        do {
            return try fd.closeAfter { endsAreZero(fd) }
        } catch {
            return .unreadable("cannot close it: \(error)")
        }
    }

    private static func endsAreZero(_ fd: FileDescriptor) -> BlockContent {
        let st: Stat
        do { st = try fd.stat() } catch { return .unreadable("cannot look at it: \(error)") }
        var size = UInt64(max(0, st.size))
        if st.type == .blockSpecial {
            var devSize: UInt64 = 0
            // BLKGETSIZE64 stays in CLinuxShim: swift-system has no ioctl.
            if ds_blk_get_size64(fd.rawValue, &devSize) != 0 { return .unreadable("cannot read its size: \(Errno.text(errno))") }
            size = devSize
        }
        let span: UInt64 = 1 << 20
        var buffer = [UInt8](repeating: 0, count: Int(span))
        var offsets: [UInt64] = [0]
        if size > span { offsets.append(size - span) }
        for offset in offsets {
            let want = Int(min(span, size - offset))
            var done = 0
            while done < want {
                let n: Int
                do {
                    n = try buffer.withUnsafeMutableBytes {
                        try fd.read(fromAbsoluteOffset: Int64(offset) + Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: $0[done..<want]))
                    }
                } catch {
                    return .unreadable("reading at byte \(offset + UInt64(done)): \(error)")
                }
                if n == 0 { return .unreadable("the read at byte \(offset + UInt64(done)) ended early") }
                done += n
            }
            if buffer[0..<want].contains(where: { $0 != 0 }) { return .unrecognizedData }
        }
        return .blank
    }
}
