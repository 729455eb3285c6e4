import DockStoreCore
import Foundation
import Testing

/// Attack 49 S B8–B22: btrfs lists a member under the path it was added or scanned under, here a
/// node in a folder of /dev (as a by-id name or a hand-made node is). check read the member by
/// that path's last component: a member no boot attaches was OK, and that node removed or made
/// another device's was UNKNOWN "/sys/class/block/d2/size is not there" or OK. The kernel's list
/// of the filesystem's devices now decides which device each member is.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct RecordedMemberPathIntegrationTests {
    /// A folder of /dev for this test's nodes, removed afterwards.
    func withNodeFolder(_ root: TestRoot, _ body: (String) throws -> Void) throws {
        let folder = "/dev/dockstore-test-\(UUID().uuidString.prefix(8))"
        _ = try root.sh("mkdir '\(folder)'")
        defer { _ = try? root.sh("rm -rf '\(folder)'") }
        try body(folder)
    }

    func makeNode(_ root: TestRoot, _ node: String, of device: String) throws {
        _ = try root.sh("rm -f '\(node)' && set -- $(stat -c '%t %T' '\(device)') && mknod '\(node)' b $((0x$1)) $((0x$2))")
    }

    func recordedPath(_ root: TestRoot, devid: Int, _ mountpoint: String) throws -> String {
        try root.sh("btrfs filesystem show '\(mountpoint)' | awk '$1 == \"devid\" && $2 == \(devid) { print $NF }'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func figures(_ root: TestRoot, _ extra: [String] = []) throws -> [String] {
        let json = try root.dockstore(["check", "--format", "json"] + extra)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)\(json.stderr)")
        return (report["reasons"] as? [[String: Any]] ?? []).compactMap { $0["figure"] as? String }
    }

    @Test func aMemberAddedThroughANodeInAFolderIsTheDeviceTheKernelHolds() throws {
        try withTestRoot { root in try withNodeFolder(root) { folder in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let image = try root.sh("losetup -n -O NAME -j '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let room = try root.attachDisk(megabytes: 300)
            defer { root.forgetBtrfs([room]) }
            let node = "\(folder)/d2"
            try makeNode(root, node, of: room)
            _ = try root.sh("btrfs device add -f '\(node)' '\(root.mountpoint)'")
            try #require(try recordedPath(root, devid: 2, root.mountpoint) == node)

            // B8: the member no boot attaches, whatever btrfs calls it.
            let present = try root.dockstore(["check"])
            #expect(present.status == 2 && present.stdout.hasPrefix("DOCKSTORE CRITICAL - device 2 of the btrfs at \(root.mountpoint) is \(room), a loop device over \(root.path)/disk-"),
                    "\(present.stdout)\(present.stderr)")
            #expect(try figures(root) == ["device_not_attached_at_boot"])

            // B9: its node gone: still that device, and the path said, with btrfs's own remedy.
            _ = try root.sh("rm '\(node)'")
            let gone = try root.dockstore(["check"])
            #expect(gone.status == 2 && gone.stdout.contains("is \(room), a loop device over") && !gone.stdout.contains("is not there"), "\(gone.stdout)\(gone.stderr)")
            #expect(gone.stdout.contains("btrfs device 2 of the store at \(root.mountpoint) is the kernel's \(room.dropFirst(5)) (") && gone.stdout.contains("but there is no \(node)")
                    && gone.stdout.contains("restore it (btrfs device scan \(room), which makes btrfs list the device by its own node)"), "\(gone.stdout)")
            #expect(try figures(root) == ["device_not_attached_at_boot", "device_node_missing"])
            // status warns of it too (teardown, grow, migrate-ebs and reclaim refuse until the scan),
            // and the member no boot attaches is its problem, as check's CRITICAL (attack 51 U 3b:
            // status said "in place", exit 0).
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("but there is no \(node)") && status.stdout.contains("btrfs device scan \(room)"), "\(status.stdout)\(status.stderr)")
            #expect(status.status == 4 && status.stdout.contains("device 2 of the btrfs at \(root.mountpoint) is \(room), a loop device over \(root.path)/disk-")
                    && status.stdout.contains("which nothing attaches at boot"), "\(status.stdout)\(status.stderr)")

            // B10: the path now a node of the image's loop device: never read as that one.
            try makeNode(root, node, of: image)
            let other = try root.dockstore(["check"])
            #expect(other.status == 2 && other.stdout.contains("is \(room), a loop device over") && other.stdout.contains("but \(node) is the block device 7:")
                    && other.stdout.contains("would reach that other device instead"), "\(other.stdout)\(other.stderr)")
            #expect(try figures(root) == ["device_not_attached_at_boot", "device_node_missing"])

            // B15, B14: recorded under the image's kernel name in the folder, then that node
            // the image's device's, then gone.
            let named = "\(folder)/\(image.dropFirst(5))"
            try makeNode(root, named, of: room)
            _ = try root.sh("btrfs device scan '\(named)'")
            try #require(try recordedPath(root, devid: 2, root.mountpoint) == named)
            try makeNode(root, named, of: image)
            let borrowed = try root.dockstore(["check"])
            #expect(borrowed.status == 2 && borrowed.stdout.contains("is \(room), a loop device over") && borrowed.stdout.contains("but \(named) is the block device 7:"), "\(borrowed.stdout)\(borrowed.stderr)")
            _ = try root.sh("rm '\(named)'")
            #expect(try figures(root) == ["device_not_attached_at_boot", "device_node_missing"])

            // The remedy the WARNING gives works, and the CRITICAL's remedy brings OK back.
            _ = try root.sh("btrfs device scan '\(room)'")
            #expect(try recordedPath(root, devid: 2, root.mountpoint) == room)
            #expect(try figures(root) == ["device_not_attached_at_boot"])
            _ = try root.sh("btrfs device remove 2 '\(root.mountpoint)'")
            let back = try root.dockstore(["check"])
            #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
        } }
    }

    @Test func aStoreMountedThroughANodeInAFolderIsReadByTheKernelsDevice() throws {
        try withTestRoot { root in try withNodeFolder(root) { folder in
            let disk = try root.attachDisk(megabytes: 300)
            let decoy = try root.attachDisk(megabytes: 100)
            defer { root.forgetBtrfs([disk]) }
            _ = try root.sh("mkfs.btrfs -q '\(disk)' && mkdir -p '\(root.mountpoint)'")
            let node = "\(folder)/nvme-Amazon_Elastic_Block_Store_vol0abc"
            try makeNode(root, node, of: disk)
            _ = try root.sh("mount '\(node)' '\(root.mountpoint)'")
            try #require(try recordedPath(root, devid: 1, root.mountpoint) == node)
            let ok = try root.dockstore(["check"])
            #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")

            // B21: the node gone: a WARNING with the remedy, never "cannot read the size".
            _ = try root.sh("rm '\(node)'")
            let gone = try root.dockstore(["check"])
            #expect(gone.status == 1 && gone.stdout.hasPrefix("DOCKSTORE WARNING - btrfs device 1 of the store at \(root.mountpoint) is the kernel's \(disk.dropFirst(5)) (")
                    && gone.stdout.contains("but there is no \(node)") && !gone.stdout.contains("is not there"), "\(gone.stdout)\(gone.stderr)")

            // B22: the node another device's; its size is never read as the store's.
            try makeNode(root, node, of: decoy)
            let other = try root.dockstore(["check"])
            #expect(other.status == 1 && other.stdout.contains("but \(node) is the block device 7:") && other.stdout.contains("would reach that other device instead"), "\(other.stdout)\(other.stderr)")
            #expect(try figures(root) == ["device_node_missing"])

            // Without the device's own node either: the remedy makes it first.
            let hidden = disk + ".hidden-by-test"
            _ = try root.sh("mv '\(disk)' '\(hidden)'")
            defer { _ = try? root.sh("if [ -b '\(hidden)' ]; then rm -f '\(disk)' && mv '\(hidden)' '\(disk)'; fi") }
            let both = try root.dockstore(["check"])
            #expect(both.status == 1 && both.stdout.contains("restore it (give the device its own node (mknod \(disk) b 7 "), "\(both.stdout)\(both.stderr)")
            _ = try root.sh("mv '\(hidden)' '\(disk)' && btrfs device scan '\(disk)'")
            let fixed = try root.dockstore(["check"])
            #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
            _ = try root.sh("umount '\(root.mountpoint)'")
        } }
    }

    /// A device store provisioned through a node in a folder, that node then another volume's
    /// (a btrfs labelled docker, as another store's volume is): teardown, grow, migrate-ebs and
    /// reclaim refuse, naming btrfs's own remedy, and change nothing there or on the other volume.
    @Test func commandsThatChangeTheStoreRefuseWhileItsListedPathIsAnotherDevicesNode() throws {
        try withTestRoot { root in try withNodeFolder(root) { folder in
            let disk = try root.attachDisk(megabytes: 300)
            let decoy = try root.attachDisk(megabytes: 300) { try root.sh("mkfs.btrfs -q -L docker '\($0)'") }
            let target = try root.attachDisk(megabytes: 400)
            defer { root.forgetBtrfs([disk, decoy]) }
            let node = "\(folder)/nvme-Amazon_Elastic_Block_Store_vol0abc"
            try makeNode(root, node, of: disk)
            let provision = try root.dockstore(["provision", "--device", node])
            try #require(provision.status == 0, "\(provision.stdout)\(provision.stderr)")
            try #require(try recordedPath(root, devid: 1, root.mountpoint) == node)
            try makeNode(root, node, of: decoy)
            let before = root.snapshot()
            let decoyBytes = try root.ends(decoy)
            for arguments in [["teardown", "--wipe-device"], ["teardown"], ["grow"], ["migrate-ebs", target, "--yes"], ["reclaim"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderr.contains("btrfs lists device 1 of the store at \(root.mountpoint) as \(node), the kernel's \(disk.dropFirst(5)) (")
                        && run.stderr.contains("but \(node) is the block device 7:") && run.stderr.contains("restore it (btrfs device scan \(disk),")
                        && run.stderr.contains("nothing was changed") && !run.stderr.trimmingCharacters(in: .newlines).contains("\n"), "\(arguments): \(run.stdout)\(run.stderr)")
            }
            // The boot's provision finds the store in place (attack 50 T D2: "unmount it"), and
            // status describes the store's device, not the one at the path.
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0 && boot.stdout.contains("Docker's storage is in place: \(disk) mounted at \(root.mountpoint)"), "\(boot.stdout)\(boot.stderr)")
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("store:       device \(disk)\n") && status.stdout.contains("mounted:     yes, "), "\(status.stdout)\(status.stderr)")
            _ = try root.sh("rm '\(node)'")
            let gone = try root.dockstore(["teardown", "--wipe-device"])
            #expect(gone.status == 2 && gone.stderr.contains("but there is no \(node),"), "\(gone.stdout)\(gone.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(try root.ends(decoy) == decoyBytes, "DATA: the other volume changed")
            #expect(try root.sh("blkid -p -o value -s LABEL '\(decoy)'").trimmingCharacters(in: .whitespacesAndNewlines) == "docker")

            // btrfs's remedy, and teardown takes the store down from its own device.
            _ = try root.sh("btrfs device scan '\(disk)'")
            let teardown = try root.dockstore(["teardown", "--wipe-device"])
            #expect(teardown.status == 0, "\(teardown.stdout)\(teardown.stderr)")
            #expect(try root.sh("blkid -p -o value -s TYPE '\(disk)' || true").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "the store's device was not wiped")
            #expect(try root.ends(decoy) == decoyBytes, "DATA: the other volume changed")
        } }
    }

    /// Attack 50 T A2–A4: two members added through nodes in a folder, then those nodes swapped:
    /// each node names a device of the filesystem no other member claims, and check named each
    /// member as the other (its file, its remedy), teardown and reclaim planned. Root reads which
    /// is which from the devices' superblocks; without root it cannot be told.
    @Test func twoMembersWhoseNodesWereSwappedAreToldApartByTheirSuperblocks() throws {
        try withTestRoot { root in try withNodeFolder(root) { folder in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let first = try root.attachDisk(megabytes: 300), second = try root.attachDisk(megabytes: 300)
            defer { root.forgetBtrfs([first, second]) }
            let (a, b) = ("\(folder)/a", "\(folder)/b")
            try makeNode(root, a, of: first)
            try makeNode(root, b, of: second)
            _ = try root.sh("btrfs device add -f '\(a)' '\(root.mountpoint)' && btrfs device add -f '\(b)' '\(root.mountpoint)'")
            let file = { (device: String) in try root.sh("cat /sys/block/\(device.dropFirst(5))/loop/backing_file").trimmingCharacters(in: .whitespacesAndNewlines) }
            try makeNode(root, a, of: second)
            try makeNode(root, b, of: first)
            let (firstFile, secondFile) = (try file(first), try file(second))
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.contains("device 2 of the btrfs at \(root.mountpoint) is \(first), a loop device over \(firstFile),")
                    && check.stdout.contains("device 3 of the btrfs at \(root.mountpoint) is \(second), a loop device over \(secondFile),"), "\(check.stdout)")
            #expect(check.stdout.contains("btrfs device 2 of the store at \(root.mountpoint) is the kernel's \(first.dropFirst(5)) (") && check.stdout.contains("restore it (btrfs device scan \(first),")
                    && check.stdout.contains("btrfs device 3 of the store at \(root.mountpoint) is the kernel's \(second.dropFirst(5)) (") && check.stdout.contains("restore it (btrfs device scan \(second),"),
                    "\(check.stdout)")
            for arguments in [["teardown", "--dry-run"], ["reclaim", "--dry-run"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderr.contains("btrfs lists device 2 of the store at \(root.mountpoint) as \(a), the kernel's \(first.dropFirst(5))"), "\(arguments): \(run.stdout)\(run.stderr)")
            }
            // Without root: cannot tell, never the other device's name.
            _ = try root.sh("chmod 755 '\(root.path)'")
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(nobody.status == 3 && nobody.stdout.contains("cannot tell which device btrfs device 2 is") && nobody.stdout.contains("only root may read")
                    && !nobody.stdout.contains("device 2 of the btrfs at \(root.mountpoint) is \(second)"), "\(nobody.stdout)")
            // btrfs's remedy for each, then the devices go.
            _ = try root.sh("btrfs device scan '\(first)' && btrfs device scan '\(second)' && btrfs device remove 2 3 '\(root.mountpoint)'")
            let back = try root.dockstore(["check"])
            #expect(back.status == 0, "\(back.stdout)")
        } }
    }
}

