import Foundation

/// A block device that is no loop device, as an EBS volume is not: a zram device the kernel
/// makes on request (/sys/class/zram-control/hot_add), sized, then reset and removed. Loop
/// devices stand in for volumes everywhere else, and hid that status failed on every store of
/// a device that is not one (attack 52 V F6).
struct ZramDevice {
    static let control = "/sys/class/zram-control"
    let index: Int
    var path: String { "/dev/zram\(index)" }

    init(bytes: UInt64) throws {
        let added = try String(contentsOfFile: Self.control + "/hot_add", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let index = Int(added) else { throw TestFailure("zram hot_add said '\(added)'") }
        self.index = index
        do {
            try "\(bytes)\n".write(toFile: "/sys/block/zram\(index)/disksize", atomically: false, encoding: .utf8)
        } catch {
            remove()
            throw error
        }
    }

    /// Its memory freed and the device gone; nothing may hold it open (unmount first).
    func remove() {
        try? "1\n".write(toFile: "/sys/block/zram\(index)/reset", atomically: false, encoding: .utf8)
        try? "\(index)\n".write(toFile: Self.control + "/hot_remove", atomically: false, encoding: .utf8)
    }
}
