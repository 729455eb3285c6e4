import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The filesystem under a path (statfs f_type), and whether it records d_type in its
/// directory entries (what overlay2 needs), found the way dockerd finds it: by creating a
/// file in a fresh folder and reading the folder back.
public struct FilesystemType: Sendable, Equatable {
    public var name: String
    /// nil when not checked.
    public var supportsDType: Bool?

    /// The name of a statfs magic number (a switch, not a dictionary: check runs this at start-up).
    static func name(ofMagic magic: Int) -> String {
        switch magic {
        case 0x9123683E: "btrfs"
        case 0xEF53: "ext4"
        case 0x58465342: "xfs"
        case 0x2FC12FC1: "zfs"
        case 0x01021994: "tmpfs"
        case 0x858458F6: "ramfs"
        case 0x794C7630: "overlay"
        case 0x6969: "nfs"
        case 0xF15F: "ecryptfs"
        case 0x61756673: "aufs"
        case 0x5346544E: "ntfs"
        case 0x4D44: "vfat"
        case 0x65735546: "fuse"
        default: String(format16: magic)
        }
    }

    public init(name: String, supportsDType: Bool? = nil) {
        self.name = name
        self.supportsDType = supportsDType
    }

    public static func of(_ path: String, checkDType: Bool) throws -> FilesystemType {
        var type: Int64 = 0
        try Syscall.check("cannot read the filesystem type of", path) { ds_statfs_type(path, &type) }
        let magic = Int(UInt32(truncatingIfNeeded: type))
        var result = FilesystemType(name: name(ofMagic: magic))
        if checkDType { result.supportsDType = try dTypeSupported(path) }
        return result
    }

    static func dTypeSupported(_ path: String) throws -> Bool {
        var template = Array("\(path)/.dockstore-dtype-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw DockStoreError.system("cannot create a test folder in", path, errno: errno)
        }
        let folder = String(cString: made)
        let file = folder + "/f"
        defer {
            unlink(file)
            rmdir(folder)
        }
        let fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DockStoreError.system("cannot create", file, errno: errno) }
        close(fd)
        guard let dir = opendir(folder) else { throw DockStoreError.system("cannot list", folder, errno: errno) }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "f" { return entry.pointee.d_type != UInt8(DT_UNKNOWN) }
        }
        return false
    }
}

extension String {
    init(format16 value: Int) { self = "0x" + String(value, radix: 16) }
}
