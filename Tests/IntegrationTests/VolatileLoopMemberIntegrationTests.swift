import DockStoreCore
import Foundation
import Testing

/// Attack 54 X 2: migrate-ebs moved a store onto a loop device over a file in /dev/shm (a
/// tmpfs) with only the warning that no boot attaches a loop device; check then said OK and
/// status "in place", and the reboot lost the store. A loop device over a file in memory is
/// now refused as a store's device by migrate-ebs and provision --device, and check says
/// CRITICAL `device_in_memory` (status: a problem) for a member made so by hand, with the way
/// out, which followed leaves the store OK with its data.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct VolatileLoopMemberIntegrationTests {
    /// A loop device over a sparse file in /dev/shm, removed with the test's root.
    func memoryLoop(_ root: TestRoot, size: String = "512M") throws -> (loop: String, file: String) {
        let file = try root.sh("mktemp /dev/shm/dockstore-test.XXXXXX").trimmingCharacters(in: .whitespacesAndNewlines)
        try root.sh("truncate -s \(size) '\(file)'")
        let loop = try root.sh("losetup -f --show '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
        return (loop, file)
    }

    func release(_ root: TestRoot, _ loop: String, _ file: String) {
        _ = try? root.sh("losetup -d \(loop) 2>/dev/null; rm -f '\(file)'")
        root.forgetBtrfs([loop])
    }

    @Test func aLoopDeviceOverAFileInMemoryIsNoDeviceToMakeAStoreOn() throws {
        try withTestRoot { root in
            let (loop, file) = try memoryLoop(root)
            defer { release(root, loop, file) }
            let said = "refusing: \(loop) is a loop device over \(file) on a tmpfs, which no reboot keeps: the store on it would be lost at the next reboot; give a volume (or a loop device over a file on a disk filesystem); nothing was changed"
            let before = root.snapshot()
            for arguments in [["provision", "--device", loop], ["provision", "--device", loop, "--dry-run"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderrLines == ["dockstore: \(said)"[...]], "\(arguments): \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: before) == [])

            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.sh("echo keep > '\(root.mountpoint)/keep' && sync")
            let store = root.snapshot()
            for arguments in [["migrate-ebs", loop, "--yes"], ["migrate-ebs", loop, "--dry-run"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderr.contains(said), "\(arguments): \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: store) == [])
            #expect(try root.dockstore(["check"]).status == 0)
        }
    }

    @Test func aMemberInMemoryAddedByHandIsCriticalAndItsWayOutWorks() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.sh("head -c 20000000 /dev/urandom > '\(root.mountpoint)/keep' && sync")
            let sum = try root.sh("sha256sum '\(root.mountpoint)/keep'")
            let (loop, file) = try memoryLoop(root)
            defer { release(root, loop, file) }
            try root.sh("btrfs device add \(loop) '\(root.mountpoint)' >/dev/null")
            let verdict = "device 2 of the btrfs at \(root.mountpoint) is \(loop), a loop device over \(file) on a tmpfs, which no reboot keeps: the next boot finds neither the device nor the data on it, and Docker's store is lost; move its data onto the other members before the next reboot:"
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(verdict)") && !check.stdout.contains("which nothing attaches at boot"), "\(check.stdout)")
            let prometheus = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prometheus.stdout.contains("reason=\"device_in_memory\"} 2"), "\(prometheus.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("  - \(verdict)"), "\(status.stdout)")

            #expect(check.stdout.contains("then btrfs device remove 2 \(root.mountpoint)"), "\(check.stdout)")
            try root.sh("btrfs device remove 2 '\(root.mountpoint)'")
            let after = try root.dockstore(["check"])
            #expect(after.status == 0, "\(after.stdout)")
            #expect(try root.sh("sha256sum '\(root.mountpoint)/keep'") == sum, "DATA")
        }
    }

    /// A device store moved by hand onto a loop device over a file in memory: the whole store
    /// is there. Its way out, a replace onto a disk's device, leaves it OK, and a reboot mounts it.
    @Test func aDeviceStoreWhollyInMemoryIsCriticalAndItsWayOutWorks() throws {
        try withTestRoot { root in
            try root.sh("truncate -s 512M '\(root.path)/disk' '\(root.path)/volume'")
            let disk = try root.sh("losetup -f --show '\(root.path)/disk'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(disk) 2>/dev/null"); root.forgetBtrfs([disk]) }
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            try root.sh("head -c 20000000 /dev/urandom > '\(root.mountpoint)/keep' && sync")
            let sum = try root.sh("sha256sum '\(root.mountpoint)/keep'")
            let (loop, file) = try memoryLoop(root)
            defer { release(root, loop, file) }
            try root.sh("btrfs replace start -B 1 \(loop) '\(root.mountpoint)'")
            let verdict = "device 1 of the btrfs at \(root.mountpoint) is \(loop), a loop device over \(file) on a tmpfs, which no reboot keeps: the next boot finds neither the device nor the data on it, and Docker's store is lost; move the store onto a volume before the next reboot: attach one at least as large as the device and run btrfs replace start 1 VOLUME \(root.mountpoint)"
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(verdict)"), "\(check.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("  - \(verdict)"), "\(status.stdout)")

            let volume = try root.sh("losetup -f --show '\(root.path)/volume'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(volume) 2>/dev/null"); root.forgetBtrfs([volume]) }
            try root.sh("btrfs replace start -B 1 \(volume) '\(root.mountpoint)'")
            #expect(try root.dockstore(["check"]).status == 0)
            #expect(try root.sh("sha256sum '\(root.mountpoint)/keep'") == sum, "DATA")
            // A reboot: the file in memory is gone, the boot's UUID= line finds the store on the volume.
            try root.sh("umount '\(root.mountpoint)' && losetup -d \(loop) && rm -f '\(file)'")
            root.forgetBtrfs([loop, disk])
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout)\(boot.stderr)")
            #expect(try root.sh("sha256sum '\(root.mountpoint)/keep'") == sum, "DATA")
            #expect(try root.dockstore(["teardown"]).status == 0)
        }
    }

    /// Attack 55 Z 1, 2: the file in /dev/shm deleted after losetup was taken by its name, which
    /// reached nothing: provision --device formatted the loop device, and check called it an
    /// image deleted while mounted (copy it out beside itself, in the same tmpfs) while status
    /// said "in place". As root the file is found by its device number: refused, and on a store
    /// made so by hand, device_in_memory alone.
    @Test func aLoopDeviceOverADeletedFileInMemoryIsStillInMemory() throws {
        try withTestRoot { root in
            let (loop, file) = try memoryLoop(root)
            defer { release(root, loop, file) }
            try root.sh("rm '\(file)'")
            let before = root.snapshot()
            let refused = try root.dockstore(["provision", "--device", loop])
            #expect(refused.status == 2 && refused.stderr.contains("refusing: \(loop) is a loop device over \(file) (deleted) on a tmpfs, which no reboot keeps"), "\(refused.stdout)\(refused.stderr)")
            let probed = try root.sh("blkid -p \(loop) || true")
            #expect(root.changes(since: before) == [] && !probed.contains("btrfs"), "\(probed)")

            // Made by hand: a device store on it.
            try root.sh("mkfs.btrfs -q -L docker \(loop) && mkdir -p '\(root.mountpoint)' && mount \(loop) '\(root.mountpoint)'")
            let uuid = try root.sh("blkid -p -s UUID -o value \(loop)").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.write(root.fstab, "UUID=\(uuid) /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n")
            defer { _ = try? root.sh("umount '\(root.mountpoint)'") }
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - device 1 of the btrfs at \(root.mountpoint) is \(loop), a loop device over \(file) (deleted) on a tmpfs, which no reboot keeps")
                    && !check.stdout.contains("deleted while mounted"), "\(check.stdout)")
            let status = try root.dockstore(["status", "--device", loop])
            #expect(status.status == 4 && status.stdout.contains("which no reboot keeps"), "\(status.stdout)\(status.stderr)")
        }
    }

    /// Attack 55 Z 3: an ext4 in a file in /dev/shm, on a loop device, holding the image or a
    /// device store's file: provision took both, and check said OK. Looked through.
    @Test func aFilesystemThatLivesInMemoryHoldsNoStore() throws {
        try withTestRoot { root in
            let (outer, file) = try memoryLoop(root)
            defer { release(root, outer, file) }
            let shelf = root.path + "/shelf"
            try root.sh("mkfs.ext4 -q \(outer) && mkdir -p '\(shelf)' && mount \(outer) '\(shelf)'")
            defer { _ = try? root.sh("umount '\(shelf)'") }
            let before = root.snapshot()
            let image = try root.dockstore(["provision", "--size", "256M", "--image", "/shelf/docker.btrfs"])
            #expect(image.status == 2 && image.stderr.contains("refusing: the folder of the image \(shelf)/docker.btrfs is on a ext4 that lives on \(outer) over \(file) on a tmpfs, which every boot empties"),
                    "\(image.stdout)\(image.stderr)")
            try root.sh("truncate -s 512M '\(shelf)/volume'")
            let inner = try root.sh("losetup -f --show '\(shelf)/volume'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(inner)"); root.forgetBtrfs([inner]) }
            let device = try root.dockstore(["provision", "--device", inner])
            #expect(device.status == 2 && device.stderr.contains("refusing: \(inner) is a loop device over \(shelf)/volume, on a ext4 that lives on \(outer) over \(file) on a tmpfs, which no reboot keeps"),
                    "\(device.stdout)\(device.stderr)")
            #expect(root.changes(since: before).allSatisfy { $0.hasPrefix("shelf/volume") }, "\(root.changes(since: before))")

            // A device store moved there by hand (btrfs replace onto the inner loop device): CRITICAL.
            // (An image store that left its image so is image_moved's, whose way back is the image.)
            try root.sh("truncate -s 512M '\(root.path)/disk'")
            let disk = try root.sh("losetup -f --show '\(root.path)/disk'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("umount '\(root.mountpoint)'; losetup -d \(disk)"); root.forgetBtrfs([disk]) }
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            try root.sh("btrfs replace start -B 1 \(inner) '\(root.mountpoint)'")
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.contains("is \(inner), a loop device over \(shelf)/volume, on a ext4 that lives on \(outer) over \(file) on a tmpfs, which no reboot keeps"), "\(check.stdout)")
        }
    }
}
