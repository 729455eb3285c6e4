import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the block device mapping name EC2 stores in an EBS NVMe controller's
/// vendor-specific Identify data (what udev's ebsnvme-id turns into /dev/xvdf).
public enum EBSIdentity {
    public static func mappingName(ofDevice path: String) -> String? {
        // Raw: the NVMe admin command is an ioctl in CLinuxShim, which swift-system has no form of.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        guard ds_nvme_identify_controller(fd, &buffer) == 0 else { return nil }
        let field = buffer[3072..<3104].prefix(while: { $0 != 0 })
        let name = String(decoding: field, as: UTF8.self).trimmingWhitespace()
        return name.isEmpty ? nil : name
    }
}
