import Foundation
import Testing
@testable import DockStoreCore

/// Device-name resolution against fake sysfs and /dev trees built in a temporary folder.
@Suite struct DeviceResolverTests {
    /// nvme0n1 is the root volume, nvme1n1 the EBS data volume vol-0abc1234def567890
    /// attached as "sdf", nvme2n1 another volume attached as "/dev/xvdg".
    final class Tree {
        let folder: String
        var sys: String { folder + "/sys" }
        var dev: String { folder + "/dev" }
        var mappings: [String: String] = [:]

        init() throws {
            folder = NSTemporaryDirectory() + "dockstore-sysfs-" + UUID().uuidString
            try addDisk("nvme0n1", serial: "vol0000000000000000a", model: DeviceResolver.ebsModel, mapping: "/dev/xvda")
            try addDisk("nvme1n1", serial: "vol0abc1234def567890", model: DeviceResolver.ebsModel, mapping: "sdf")
            try addDisk("nvme2n1", serial: "vol0def1234abc567890", model: "Amazon Elastic Block Store     ", mapping: "/dev/xvdg")
        }

        func addDisk(_ name: String, serial: String, model: String, mapping: String?) throws {
            try FileManager.default.createDirectory(atPath: "\(sys)/block/\(name)/device", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: dev, withIntermediateDirectories: true)
            try (serial + "\n").write(toFile: "\(sys)/block/\(name)/device/serial", atomically: false, encoding: .utf8)
            try (model + "\n").write(toFile: "\(sys)/block/\(name)/device/model", atomically: false, encoding: .utf8)
            _ = FileManager.default.createFile(atPath: "\(dev)/\(name)", contents: nil)
            mappings["\(dev)/\(name)"] = mapping
        }

        var resolver: DeviceResolver {
            let table = mappings
            return DeviceResolver(sysfs: SysfsBlock(root: sys), devRoot: dev, mappingName: { table[$0] })
        }

        deinit { try? FileManager.default.removeItem(atPath: folder) }
    }

    @Test(arguments: ["vol-0abc1234def567890", "vol0abc1234def567890", "VOL-0ABC1234DEF567890"])
    func findsTheVolumeBySerial(_ text: String) throws {
        let tree = try Tree()
        let device = try #require(try tree.resolver.resolve(DeviceSpec(text)))
        #expect(device.path == tree.dev + "/nvme1n1")
        #expect(device.volumeID?.description == "vol-0abc1234def567890")
    }

    @Test func followsTheUdevSymlink() throws {
        let tree = try Tree()
        try FileManager.default.createSymbolicLink(atPath: tree.dev + "/xvdf", withDestinationPath: "nvme1n1")
        let device = try #require(try tree.resolver.resolve(.path("/dev/xvdf")))
        #expect(device.name == "nvme1n1")
        #expect(device.volumeID == EBSVolumeID("vol-0abc1234def567890"))
        #expect(device.label.contains("/dev/xvdf"))
        #expect(device.label.contains("vol-0abc1234def567890"))
    }

    @Test(arguments: [("/dev/xvdf", "nvme1n1"), ("/dev/sdf", "nvme1n1"), ("/dev/xvdg", "nvme2n1"), ("/dev/sdg", "nvme2n1"),
                      ("/dev/xvdf1", "nvme1n1p1")])
    func findsTheMappingWhenTheSymlinkIsMissing(_ path: String, _ name: String) throws {
        let tree = try Tree()
        let device = try #require(try tree.resolver.resolve(.path(path)))
        #expect(device.name == name)
        #expect(device.path == "\(tree.dev)/\(name)")
    }

    @Test func unknownNamesAreNotThereYet() throws {
        let tree = try Tree()
        #expect(try tree.resolver.resolve(.path("/dev/xvdz")) == nil)
        #expect(try tree.resolver.resolve(DeviceSpec("vol-0fffffffffffffff0")) == nil)
        #expect(try tree.resolver.resolve(.path("/dev/nvme9n1")) == nil)
    }

    @Test func nonEBSDevicesAreIgnoredForVolumeIds() throws {
        let tree = try Tree()
        try tree.addDisk("nvme3n1", serial: "vol0123456789abcdef9", model: "Samsung SSD 980", mapping: nil)
        #expect(try tree.resolver.resolve(DeviceSpec("vol-0123456789abcdef9")) == nil)
        #expect(try tree.resolver.resolve(.path("/dev/nvme3n1"))?.volumeID == nil)
    }

    @Test func twoDevicesWithOneSerialAreRefused() throws {
        let tree = try Tree()
        try tree.addDisk("nvme4n1", serial: "vol0abc1234def567890", model: DeviceResolver.ebsModel, mapping: nil)
        #expect(throws: DockStoreError.self) { try tree.resolver.resolve(DeviceSpec("vol-0abc1234def567890")) }
    }

    @Test func waitsForTheNodeAndSaysWhenItNeverCame() throws {
        let tree = try Tree()
        #expect(throws: DockStoreError.refused("device /dev/xvdz did not appear within 2 s; check that the volume is attached to this instance (aws ec2 describe-volumes), or give --wait SECONDS")) {
            try tree.resolver.waitFor(.path("/dev/xvdz"), timeout: 2, sleep: { _ in })
        }
        var naps = 0
        let device = try tree.resolver.waitFor(.path("/dev/xvdq"), timeout: 5, sleep: { _ in
            naps += 1
            if naps == 3 { try? FileManager.default.createSymbolicLink(atPath: tree.dev + "/xvdq", withDestinationPath: "nvme2n1") }
        })
        #expect(device.name == "nvme2n1")
        #expect(naps == 3)
    }

    /// Attack 14, Y-BOOT-3: a boot's journal names what provision waits for, once, after 2 s;
    /// a device that comes sooner says nothing.
    @Test func aLongWaitIsToldOnce() throws {
        let tree = try Tree()
        final class Told: @unchecked Sendable { var lines: [String] = [] }
        let told = Told()
        let previous = DeviceResolver.waitingNotice
        DeviceResolver.waitingNotice = { line in if line.contains("/dev/xvdw") { told.lines.append(line) } }
        defer { DeviceResolver.waitingNotice = previous }
        #expect(throws: DockStoreError.self) { try tree.resolver.waitFor(.path("/dev/xvdw"), timeout: 10, sleep: { _ in }) }
        #expect(told.lines == ["waiting up to 10 s for device /dev/xvdw to appear (--wait, DOCKSTORE_WAIT in /etc/sysconfig/dockstore)"])
        told.lines = []
        #expect(throws: DockStoreError.self) { try tree.resolver.waitFor(.path("/dev/xvdw"), timeout: 1.5, sleep: { _ in }) }
        #expect(told.lines.isEmpty)
    }

    @Test(arguments: ["vol-123", "vol-zzzzzzzz", "xvdf", "/tmp/disk", "sdf", "/dev/../etc/shadow"])
    func refusesNonsenseNames(_ text: String) {
        #expect(throws: DockStoreError.self) { try DeviceSpec(text) }
    }
}
