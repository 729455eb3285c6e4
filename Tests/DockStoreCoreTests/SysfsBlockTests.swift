import Foundation
import Testing
@testable import DockStoreCore

/// The sysfs reads the safe-format decision takes (partitions, holders) on a built tree: a
/// folder that cannot be read is "cannot tell" and throws, never "no partitions, no holders".
@Suite struct SysfsBlockTests {
    final class Tree {
        let sys = NSTemporaryDirectory() + "dockstore-sysfs-" + UUID().uuidString

        /// `xvdf` with partition `xvdf1` held by `dm-0`, and `xvdg`, whose holders entry is a file.
        init() throws {
            for folder in ["block/xvdf/holders", "block/xvdf/xvdf1/holders/dm-0", "block/xvdg", "class/block"] {
                try FileManager.default.createDirectory(atPath: "\(sys)/\(folder)", withIntermediateDirectories: true)
            }
            try "1\n".write(toFile: "\(sys)/block/xvdf/xvdf1/partition", atomically: false, encoding: .utf8)
            try "not a folder\n".write(toFile: "\(sys)/block/xvdg/holders", atomically: false, encoding: .utf8)
            for (name, target) in [("xvdf", "block/xvdf"), ("xvdf1", "block/xvdf/xvdf1"), ("xvdg", "block/xvdg")] {
                try FileManager.default.createSymbolicLink(atPath: "\(sys)/class/block/\(name)", withDestinationPath: "\(sys)/\(target)")
            }
        }

        deinit { try? FileManager.default.removeItem(atPath: sys) }
    }

    @Test func readsPartitionsAndHolders() throws {
        let tree = try Tree()
        let sysfs = SysfsBlock(root: tree.sys)
        #expect(try sysfs.partitions(of: "xvdf") == ["xvdf1"])
        #expect(try sysfs.holders(of: "xvdf").isEmpty)
        #expect(try sysfs.holders(of: "xvdf1") == ["dm-0"])
    }

    @Test func anUnreadableFolderThrowsNamingIt() throws {
        let tree = try Tree()
        let sysfs = SysfsBlock(root: tree.sys)
        for (what, read) in [("holders of xvdg", { try sysfs.holders(of: "xvdg") }),
                             ("holders of a name sysfs does not have", { try sysfs.holders(of: "xvdz") }),
                             ("partitions of a name sysfs does not have", { try sysfs.partitions(of: "xvdz") })] {
            do {
                let names = try read()
                Issue.record("\(what): read as \(names), not refused")
            } catch let error as DockStoreError {
                #expect(error.message.hasPrefix("cannot read \(tree.sys)/"), "\(what): \(error.message)")
            }
        }
    }
}
