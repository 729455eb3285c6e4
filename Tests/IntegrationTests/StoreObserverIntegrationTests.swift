import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The store observer on a real store: a provisioned image on a loop device, mounted, with its
/// fstab line, a second member added as a migration adds one, an open migration journal and a
/// reclaim journal. Every field is checked against what btrfs-progs, util-linux, stat and the
/// files themselves say.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StoreObserverIntegrationTests {
    func line(_ root: TestRoot, _ command: String) throws -> String {
        try root.sh(command).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func readsEveryFactOfARealStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision"]).status == 0)
            let loop = try line(root, "findmnt -n -o SOURCE --mountpoint \(root.mountpoint)")
            let uuid = try line(root, "blkid -p -s UUID -o value \(loop)")
            let disk = try root.attachDisk(megabytes: 2048)
            defer {
                // As a reboot would: the kernel forgets this store's two devices once it is unmounted.
                _ = umount2(root.mountpoint, 0)
                root.forgetBtrfs([loop, disk])
            }
            try root.sh("btrfs -q device add -f \(disk) \(root.mountpoint)")
            let journal = MigrationJournal(image: root.image, device: disk, filesystemUUID: uuid, volumeID: nil, keepImage: false)
            try root.sh("mkdir -p \(root.path)/var/lib/dockstore")
            try Data(journal.encoded()).write(to: URL(fileURLWithPath: root.path + "/var/lib/dockstore/migration.json"))
            try root.write(root.path + "/var/lib/dockstore/reclaim.json", "{}\n")

            let host = try Host(root: root.path)
            let store = StoreObserver(host: host, image: HostPaths.defaultImage, mountpoint: HostPaths.defaultMountpoint,
                                      settings: .read(ProvisionSettings())).observe(.all)

            #expect(store.imagePath == root.image)
            #expect(store.mountpoint == root.mountpoint)
            #expect(try store.mounts.value() == MountTable.read().entries)
            let mount = try #require(try store.mount())
            #expect(mount.source == loop)
            #expect(mount.fstype == "btrfs")

            // Every member by devid, path, size and device UUID, as btrfs-progs shows them.
            let btrfs = try #require(try store.btrfs.value())
            #expect(btrfs.uuid == uuid)
            var expected: [String] = []
            for device in [loop, disk] {
                let superblock = try root.sh("btrfs inspect-internal dump-super \(device)")
                func field(_ name: String) -> String? {
                    superblock.split(separator: "\n").first { $0.hasPrefix(name + "\t") || $0.hasPrefix(name + " ") }
                        .map { $0.dropFirst(name.count).trimmingCharacters(in: .whitespaces) }
                }
                let devid = try #require(field("dev_item.devid"))
                let size = try line(root, "btrfs filesystem show --raw \(root.mountpoint) | awk '$1 == \"devid\" && $2 == \(devid) { print $4 }'")
                expected.append("\(devid) \(device) \(size) \(try #require(field("dev_item.uuid")))")
            }
            #expect(btrfs.members.map { "\($0.devid) \($0.path) \($0.size) \($0.deviceUUID ?? "none")" } == expected)
            let kernelNames = try line(root, "ls /sys/fs/btrfs/\(uuid)/devices").split(separator: "\n").map(String.init).sorted()
            #expect(try btrfs.kernelMembers.value() == kernelNames)
            #expect(Set(kernelNames) == Set([loop, disk].map { String($0.dropFirst("/dev/".count)) }))

            let source = try #require(try store.mountedSource.value())
            #expect(source.content == .signature(type: "btrfs", uuid: uuid, label: "docker"))
            #expect(source.loopBackingFile == (try line(root, "losetup -n -O BACK-FILE \(loop)")))

            // The image: stat's sizes, blkid's signature, losetup's loop devices over it.
            let stat = try line(root, "stat -c '%s %b %B' \(root.image)").split(separator: " ").compactMap { UInt64($0) }
            let image = try store.image.value()
            guard case .file(let size, let allocated, let content, let loops) = image else {
                Issue.record("the image is \(image)")
                return
            }
            #expect(size == stat[0])
            #expect(allocated == stat[1] * stat[2])
            #expect(content == .signature(type: "btrfs", uuid: uuid, label: "docker"))
            #expect(loops.map(\.path) == [try line(root, "losetup -n -O NAME -j \(root.image)")])
            #expect(try store.imageMountedAt() == [root.mountpoint])
            #expect(try store.btrfsSpansImage())

            #expect(try store.fstab.value() == Array(try #require(root.read(root.fstab)).utf8))
            #expect(try store.fstabEntries(mountingAt: HostPaths.defaultMountpoint).map(\.source) == [HostPaths.defaultImage.string])
            #expect(try store.migrationJournal.value() == journal)
            #expect(try store.reclaimOpen.value())
            #expect(try store.bootDisabled.value() == false)
            #expect(root.status(root.path + "/etc/dockstore.disabled") == nil)
            #expect(try store.systemdRunning.value() == false)

            // What each command derives from it agrees with the same reading.
            let teardown = try TeardownObservation(store: store, dockerdPID: nil, dropIn: .dockstore, sysconfig: nil)
            #expect(teardown.mounted == mount && teardown.imageLoops == [loop] && teardown.journalUUID == uuid && teardown.reclaimOpen)
            let grow = try Grower(host: host, mountpoint: root.mountpoint, settings: .read(ProvisionSettings())).observe()
            #expect(grow.devices.map(\.devid) == btrfs.members.map(\.devid))
            #expect(grow.devices.first?.image?.image == root.image)
        }
    }

    /// A journal dockstore cannot read is that fact's reason; the other facts are still read,
    /// and a command that needs the journal refuses with the reason.
    @Test func anUnreadableFactIsItsReasonNotAbsent() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision"]).status == 0)
            try root.sh("mkdir -p \(root.path)/var/lib/dockstore")
            try root.write(root.path + "/var/lib/dockstore/migration.json", "{not json\n")
            let store = StoreObserver(host: try Host(root: root.path), image: HostPaths.defaultImage,
                                      mountpoint: HostPaths.defaultMountpoint, settings: .read(ProvisionSettings())).observe(.all)
            guard case .unreadable(let error) = store.migrationJournal else {
                Issue.record("an unreadable journal was read as \(store.migrationJournal)")
                return
            }
            #expect(error.message.contains("is not a migration journal dockstore can read"))
            #expect(try store.mount() != nil)
            #expect(throws: error) { try TeardownObservation(store: store, dockerdPID: nil, dropIn: nil, sysconfig: nil) }
            let teardown = try root.dockstore(["teardown", "--dry-run"])
            #expect(teardown.status == 2)
            #expect(teardown.stderr.contains("is not a migration journal dockstore can read"))
        }
    }
}
