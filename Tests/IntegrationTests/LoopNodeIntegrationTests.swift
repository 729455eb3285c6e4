import DockStoreCore
import Foundation
import Testing

/// Attack 35 Z C5: with the store's own loop device's node renamed away from /dev, check said
/// UNKNOWN "cannot open /dev/loopN", though it reads block copies without a node through one
/// made for their number. A node at that name for another loop device was read as the store's
/// loop device. The kernel's name is now read as the kernel's device, whatever /dev holds, and no
/// node made for it is left behind.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct LoopNodeIntegrationTests {
    /// A provisioned store whose loop device's node is renamed while `body` runs, or, with
    /// `replacedBy`, replaced by a node of that device (the store's loop device, the node's new path).
    func withMovedNode(_ root: TestRoot, replacedBy other: String? = nil, _ body: (String) throws -> Void) throws {
        try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
        let loop = try root.sh("losetup -n -O NAME -j '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(loop.hasPrefix("/dev/loop") && !loop.contains("\n"), "\(loop)")
        let hidden = loop + ".hidden-by-test"
        _ = try root.sh("mv '\(loop)' '\(hidden)'")
        defer { _ = try? root.sh("rm -f '\(loop)' && mv '\(hidden)' '\(loop)'") }
        if let other {
            _ = try root.sh("set -- $(stat -c '%t %T' '\(other)') && mknod '\(loop)' b $((0x$1)) $((0x$2))")
        }
        try body(loop)
    }

    /// Moves `node` aside (to NODE.hidden-by-test, returned) and puts a node of `device`'s
    /// numbers at its name; `restoreNode` puts it back.
    func replaceNode(_ root: TestRoot, _ node: String, withNodeOf device: String) throws -> String {
        let hidden = node + ".hidden-by-test"
        _ = try root.sh("mv '\(node)' '\(hidden)'")
        do {
            _ = try root.sh("set -- $(stat -c '%t %T' '\(device)') && mknod '\(node)' b $((0x$1)) $((0x$2))")
        } catch {
            restoreNode(root, node)
            throw error
        }
        return hidden
    }

    func restoreNode(_ root: TestRoot, _ node: String) {
        _ = try? root.sh("if [ -b '\(node).hidden-by-test' ]; then rm -f '\(node)' && mv '\(node).hidden-by-test' '\(node)'; fi")
    }

    func expectNoNodeFolders(_ root: TestRoot) throws {
        let left = try root.sh("ls -d /dev/.dockstore-nodes.* 2>/dev/null || true").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(left.isEmpty, "\(left)")
    }

    @Test func theStoresLoopDeviceWithoutItsNodeIsStillRead() throws {
        try withTestRoot { root in try withMovedNode(root) { loop in
            // Read all the same, and said (helper O 2c): a WARNING that names the node.
            let check = try root.dockstore(["check"])
            #expect(check.status == 1 && check.stdout.hasPrefix("DOCKSTORE WARNING - btrfs device 1 of the store at \(root.mountpoint) is the kernel's \(loop.dropFirst(5)) (")
                    && check.stdout.contains("but there is no \(loop): Docker's storage works") && check.stdout.contains("mknod \(loop) b 7 "), "\(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("restore it (mknod \(loop) b 7 ") && !check.stdout.contains("aside"), "nothing is there to move aside: \(check.stdout)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(json.stdout.contains("\"device_node_missing\""), "\(json.stdout)")
            // A link to nothing at the name (attack 49 S B7): said, and moved aside before the mknod.
            _ = try root.sh("ln -s /nonexistent-\(UUID().uuidString.prefix(8)) '\(loop)'")
            let linked = try root.dockstore(["check"])
            #expect(linked.status == 1 && linked.stdout.contains("but \(loop) is a symbolic link to nothing") && linked.stdout.contains("restore it (mv \(loop) aside, then mknod \(loop) b 7 ")
                    && linked.stdout.contains("would fail"), "\(linked.stdout)")
            _ = try root.sh("rm '\(loop)'")
            let status = try root.dockstore(["status"])
            #expect(status.status == 0 && status.stdout.contains("mounted:     yes, \(loop) at \(root.mountpoint)"), "\(status.stdout)\(status.stderr)")
            // Without root the node cannot be made: that stays "cannot tell", never OK.
            _ = try root.sh("chmod 755 '\(root.path)'")
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            // The WARNING outranks the UNKNOWN, which is said after it.
            #expect(nobody.status == 1 && nobody.stdout.hasPrefix("DOCKSTORE WARNING - btrfs device 1 ") && nobody.stdout.contains("cannot open \(loop): No such file or directory"),
                    "\(nobody.stdout)\(nobody.stderr)")
            // A second loop device over the image is still seen.
            let second = try root.sh("losetup -r -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(second)") }
            let warned = try root.dockstore(["check"])
            #expect(warned.status == 1 && warned.stdout.contains("is also attached to \(second) (not mounted)"), "\(warned.stdout)\(warned.stderr)")
            try expectNoNodeFolders(root)
        } }
    }

    @Test func aNodeOfAnotherLoopDeviceAtTheStoresNameIsNotReadAsTheStore() throws {
        try withTestRoot { root in
            let other = try root.attachDisk(megabytes: 300) { try root.sh("mkfs.btrfs -q '\($0)'") }
            try withMovedNode(root, replacedBy: other) { loop in
                let check = try root.dockstore(["check"])
                #expect(check.status == 1 && check.stdout.hasPrefix("DOCKSTORE WARNING - ") && check.stdout.contains("but \(loop) is the block device 7:")
                        && check.stdout.contains("would reach that other device instead"), "\(check.stdout)\(check.stderr)")
                #expect(!check.stdout.contains(other), "\(check.stdout)")
                let teardown = try root.dockstore(["teardown", "--dry-run"])
                #expect(teardown.status == 0 && teardown.stdout.contains("[detach-loop]"), "\(teardown.stdout)\(teardown.stderr)")
                // The real teardown detaches the store's loop device, not the device the node at its name is.
                let otherFile = try root.sh("cat /sys/block/\(other.dropFirst(5))/loop/backing_file").trimmingCharacters(in: .whitespacesAndNewlines)
                let run = try root.dockstore(["teardown"])
                #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
                #expect(try root.sh("losetup -n -O NAME -j '\(root.image)'").isEmpty, "the store's loop device is still bound")
                #expect(try root.sh("cat /sys/block/\(other.dropFirst(5))/loop/backing_file").trimmingCharacters(in: .whitespacesAndNewlines) == otherFile,
                        "DATA: teardown detached \(other), the device the node at \(loop) was")
                try expectNoNodeFolders(root)
            }
            root.forgetBtrfs([other])
        }
    }

    /// Attack 38 U A1, A2b: with the store's node replaced by a node of another loop device,
    /// grow told that device its file grew (LOOP_SET_CAPACITY), then reported the resize done
    /// with the store unchanged; check read that device's size and said CRITICAL "the device holds
    /// only …". Both act on the kernel's loopN now, and grow checks the size it got.
    /// Attack 39 T F2: a decoy of the planned size made grow skip the capacity step.
    @Test(arguments: [200, 512])
    func growAndCheckThroughANodeOfAnotherLoopDevice(decoyMegabytes: Int) throws {
        try withTestRoot { root in
            let other = try root.attachDisk(megabytes: decoyMegabytes)
            try withMovedNode(root, replacedBy: other) { loop in
                let otherBytes = try root.sh("blockdev --getsize64 \(other)").trimmingCharacters(in: .whitespacesAndNewlines)
                let grow = try root.dockstore(["grow", "--to", "512M"])
                #expect(grow.status == 0 && grow.stdout.contains("[loop-capacity]"), "\(grow.stdout)\(grow.stderr)")
                let size = try root.sh("cat /sys/block/\(loop.dropFirst(5))/size").trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(size == "\(512 * 2048)", "the store's loop device has \(size) sectors after grow")
                let btrfs = try root.sh("btrfs filesystem show --raw '\(root.mountpoint)' | awk '/devid/ { print $4 }'").trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(btrfs == "\(512 * 1_048_576)", "the store's btrfs device is \(btrfs) bytes after grow")
                #expect(try root.sh("blockdev --getsize64 \(other)").trimmingCharacters(in: .whitespacesAndNewlines) == otherBytes, "grow changed \(other)")
                let check = try root.dockstore(["check"])
                #expect(check.status == 1 && check.stdout.hasPrefix("DOCKSTORE WARNING - ") && check.stdout.contains("but \(loop) is the block device 7:"), "\(check.stdout)\(check.stderr)")
                try expectNoNodeFolders(root)
            }
        }
    }
    /// Attack 39 T F3: with the store's node missing, grow (even its dry run) failed "cannot
    /// open /dev/loopN" while every other command worked: it reads the kernel's loopN now.
    @Test func growWithoutTheStoresNode() throws {
        try withTestRoot { root in try withMovedNode(root) { loop in
            let dry = try root.dockstore(["grow", "--to", "400M", "--dry-run"])
            #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
            let grow = try root.dockstore(["grow", "--to", "400M"])
            #expect(grow.status == 0 && grow.stdout.contains("[loop-capacity] tell \(loop)"), "\(grow.stdout)\(grow.stderr)")
            #expect(try root.sh("cat /sys/block/\(loop.dropFirst(5))/size").trimmingCharacters(in: .whitespacesAndNewlines) == "\(400 * 2048)")
            try expectNoNodeFolders(root)
        } }
    }

    /// Attack 39 T F4, F5: `provision --device /dev/loopT` (and migrate-ebs onto it) with the node
    /// at that name replaced by another loop device's read that one, said the kernel's loopT held
    /// data, and with --force formatted the other one. A node at a kernel name that is another
    /// device is refused, nothing changed on either device.
    @Test func aDeviceGivenByANodeOfAnotherDeviceIsRefused() throws {
        try withTestRoot { root in
            let target = try root.attachDisk(megabytes: 512)
            let decoy = try root.attachDisk(megabytes: 512) { try root.sh("dd if=/dev/urandom of='\($0)' bs=1M count=2 conv=notrunc status=none") }
            let hidden = try replaceNode(root, target, withNodeOf: decoy)
            defer { restoreNode(root, target) }
            let edges = (try root.ends(hidden), try root.ends(decoy))
            let before = root.snapshot()
            for arguments in [["provision", "--device", target], ["provision", "--device", target, "--force"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1
                        && run.stderr.contains("refusing: \(target) is the block device ") && run.stderr.contains("the node in /dev was replaced"),
                        "\(arguments): \(run.stdout)\(run.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
            }
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let migrate = try root.dockstore(["migrate-ebs", target, "--yes"])
            #expect(migrate.status == ExitStatus.refused.rawValue && migrate.stderr.contains("the node in /dev was replaced"), "\(migrate.stdout)\(migrate.stderr)")
            #expect(try root.ends(hidden) == edges.0 && root.ends(decoy) == edges.1, "DATA: a device was written")
        }
    }

    /// Attack 40 S F3: with fstab naming a store dockstore made, `provision --device` on a node
    /// replaced by another device's read that device first and refused with its content ("holds a
    /// btrfs signature"), as if the kernel's device held it. The node is refused before anything
    /// reads it; named in the settings, the name is left alone and the recorded store is used.
    @Test func aReplacedNodeIsRefusedBeforeItsContentIsJudged() throws {
        try withTestRoot { root in
            let store = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", store]).status == 0)
            try root.sh("echo data > \(root.mountpoint)/keep && sync")
            let target = try root.attachDisk(megabytes: 512)
            let decoy = try root.attachDisk(megabytes: 512) { try root.sh("mkfs.btrfs -q -L other '\($0)'") }
            let hidden = try replaceNode(root, target, withNodeOf: decoy)
            defer { restoreNode(root, target) }
            let edges = (try root.ends(hidden), try root.ends(decoy), try root.ends(store))
            let before = root.snapshot()
            for arguments in [["provision", "--device", target], ["provision", "--device", target, "--force"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1
                        && run.stderr.contains("refusing: \(target) is the block device ") && run.stderr.contains("the node in /dev was replaced")
                        && !run.stderr.contains("signature"), "\(arguments): \(run.stdout)\(run.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
            }
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_DEVICE=\"\(target)\"\n")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0 && boot.stderr.contains("the settings name \(target), whose node in /dev is another device's")
                    && !boot.stderr.contains("signature"), "\(boot.stdout)\(boot.stderr)")
            #expect(root.mounts().first { $0.target == root.mountpoint }?.source == store)
            #expect(root.read(root.mountpoint + "/keep") == "data\n", "DATA: the store's files")
            #expect(try root.ends(hidden) == edges.0 && root.ends(decoy) == edges.1, "DATA: a device was written")
        }
    }

    /// Attack 43 P C13b: the settings name the store's own device, whose node in /dev was replaced
    /// by another device's (or removed): provision waited for the store by its UUID, which a
    /// search through /dev never finds, and after the wait blamed EBS ("check that the volume is
    /// attached … aws ec2 describe-volumes"). It names the kernel's device and its node now, at
    /// once when the node is another device's, and mounts once the node is back.
    @Test func theStoresDeviceWithoutItsOwnNodeIsNamedNotAwaited() throws {
        try withTestRoot { root in
            let store = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", store]).status == 0)
            try root.sh("echo data > \(root.mountpoint)/keep && sync && umount \(root.mountpoint)")
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_DEVICE=\"\(store)\"\nDOCKSTORE_WAIT=\"1\"\n")
            let decoy = try root.attachDisk(megabytes: 512) { try root.sh("mkfs.btrfs -q -L other '\($0)'") }
            let numbers = try root.sh("stat -c '%t %T' '\(store)'").split(separator: " ").map { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) ?? 0 }
            let kernel = "\(store.split(separator: "/").last ?? "") (\(numbers[0]):\(numbers[1]))"
            let hidden = try replaceNode(root, store, withNodeOf: decoy)
            defer { restoreNode(root, store) }
            let edges = (try root.ends(hidden), try root.ends(decoy))
            let before = root.snapshot()
            let replaced = try root.dockstore(["provision"])
            #expect(replaced.status == ExitStatus.refused.rawValue && replaced.stderr.contains("is attached as the kernel's \(kernel), but \(store) is the block device ")
                    && replaced.stderr.contains("mknod \(store) b \(numbers[0]) \(numbers[1])") && !replaced.stderr.contains("aws ec2"),
                    "\(replaced.stdout)\(replaced.stderr)")
            _ = try root.sh("rm '\(store)'")
            let missing = try root.dockstore(["provision"])
            #expect(missing.status == ExitStatus.refused.rawValue && missing.stderr.contains("device \(store) is attached as the kernel's \(kernel), but there is no \(store)")
                    && !missing.stderr.contains("aws ec2"), "\(missing.stdout)\(missing.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(root.mounts().first { $0.target == root.mountpoint } == nil)
            #expect(try root.ends(hidden) == edges.0 && root.ends(decoy) == edges.1, "DATA: a device was written")
            try expectNoNodeFolders(root)
            restoreNode(root, store)
            let back = try root.dockstore(["provision"])
            #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
            #expect(root.read(root.mountpoint + "/keep") == "data\n", "DATA: the store's files")
        }
    }

    /// Attack 44 O 2d: teardown of a device store whose node is missing or another device's
    /// said "its label is empty, not 'docker'" (false) and never named the node. It names the
    /// kernel's device and how to restore the node, and changes nothing; with the node back, the
    /// same teardown runs.
    @Test func teardownNamesTheStoresMissingOrReplacedNode() throws {
        try withTestRoot { root in
            let store = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", store]).status == 0)
            let decoy = try root.attachDisk(megabytes: 512) { try root.sh("mkfs.btrfs -q -L docker '\($0)'") }
            let hidden = try replaceNode(root, store, withNodeOf: decoy)
            defer { restoreNode(root, store) }
            let decoyEnds = try root.ends(decoy)
            let before = root.snapshot()
            for arguments in [["teardown"], ["teardown", "--wipe-device"], ["teardown", "--wipe-device", "--dry-run"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderr.contains("refusing to tear down \(root.mountpoint): \(store) is the block device ")
                        && !run.stderr.contains("label"), "\(arguments): \(run.stdout)\(run.stderr)")
            }
            let replaced = try root.dockstore(["check"])
            #expect(replaced.status == 1 && replaced.stdout.contains("but \(store) is the block device 7:"), "\(replaced.stdout)\(replaced.stderr)")
            _ = try root.sh("rm '\(store)'")
            let missing = try root.dockstore(["check"])
            #expect(missing.status == 1 && missing.stdout.contains("but there is no \(store): Docker's storage works"), "\(missing.stdout)\(missing.stderr)")
            for arguments in [["teardown"], ["teardown", "--wipe-device"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderr.contains("\(store) is mounted there, but there is no \(store) in /dev")
                        && run.stderr.contains("mknod \(store) b "), "\(arguments): \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(try root.ends(decoy) == decoyEnds, "DATA: the decoy was written")
            #expect(root.mounts().contains { $0.target == root.mountpoint })
            _ = hidden
            restoreNode(root, store)
            let run = try root.dockstore(["teardown"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        }
    }

    /// Attack 39 T F6: a second node of the store's own device (another loop device's node
    /// remade with its numbers) made status and provision report "block copies of one volume"
    /// and advise btrfstune -u, which would change the store's UUID.
    @Test func aSecondNodeOfTheStoresDeviceIsNoCopy() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let other = try root.attachDisk(megabytes: 64)
            _ = try replaceNode(root, other, withNodeOf: disk)
            defer { restoreNode(root, other) }
            let status = try root.dockstore(["status"])
            #expect(status.status == 0 && !status.stdout.contains("block copies"), "\(status.stdout)\(status.stderr)")
            let provision = try root.dockstore(["provision", "--device", disk])
            #expect(provision.status == 0, "\(provision.stdout)\(provision.stderr)")
        }
    }
}
