import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every destructive step of provision, migrate-ebs and grow re-checks at the moment it acts
/// (issue 14): dockstore is stopped at the step's pause point, the world changes the way the
/// re-check guards against, and the step refuses (exit 2, one line naming the thing and what
/// to do) without changing anything.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StepRecheckIntegrationTests {
    let addRemove = [MigrationMethod.variable: MigrationMethod.addRemove.rawValue]
    let replace = [MigrationMethod.variable: MigrationMethod.replace.rawValue]

    func expectRefused(_ result: RunResult, naming thing: String, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == ExitStatus.refused.rawValue, "\(result.stdout) \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(thing) && result.stderr.contains(words), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    /// Another btrfs (300 MiB on a 400 MiB device), mounted on top of the store at its mountpoint.
    func stackAnotherBtrfs(_ root: TestRoot) throws -> (device: String, uuid: String) {
        let other = try root.attachDisk(megabytes: 400)
        try root.sh("mkfs.btrfs -q -b 300M \(other) && mount \(other) '\(root.mountpoint)'")
        return (other, try root.sh("blkid -s UUID -o value \(other)").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func btrfsSize(_ mountpoint: String) throws -> UInt64 {
        try CapacityProbe.read(mountpoint: mountpoint).deviceSize
    }

    func storeMembers(_ root: TestRoot) throws -> [String] {
        try BtrfsFilesystem.usage(at: root.mountpoint).members.map(\.path).sorted()
    }

    // MARK: provision

    @Test func formatDeviceRefusesADeviceThatGotAFilesystem() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let result = try root.runStopped(["provision", "--device", disk], before: "format-device") {
                try root.sh("mkfs.ext4 -q -L appdata \(disk)")
            }
            let ext4 = try root.blkid(disk)
            expectRefused(result, naming: disk, "now holds a ext4 signature")
            #expect(ext4.contains("ext4"), "the ext4 is still there: \(ext4)")
            #expect(root.read(root.fstab) == nil && root.mounts().isEmpty, "nothing after the format ran")
        }
    }

    @Test func formatDeviceWithForceRefusesADeviceMountedMeanwhile() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try root.sh("mkfs.ext4 -q -L appdata \(disk) && mkdir -p '\(root.path)/srv'")
            let before = try root.blkid(disk)
            let result = try root.runStopped(["provision", "--device", disk, "--force"], before: "format-device") {
                try root.sh("mount \(disk) '\(root.path)/srv' && echo kept > '\(root.path)/srv/kept'")
            }
            expectRefused(result, naming: disk, "in use")
            try root.sh("umount '\(root.path)/srv'")
            #expect(try root.blkid(disk) == before, "not wiped, not formatted")
            #expect(root.read(root.fstab) == nil)
        }
    }

    @Test func formatRefusesANewImageThatGotAnotherFilesystem() throws {
        try withTestRoot { root in
            let unfinished = root.image + UnfinishedImage.suffix
            let result = try root.runStopped(["provision", "--size", "200M"], before: "format") {
                try root.sh("mkfs.ext4 -q -F '\(unfinished)'")
            }
            expectRefused(result, naming: unfinished, "not the blank file dockstore planned to format")
            #expect(try root.blkid(unfinished).contains("ext4"), "mkfs.btrfs did not run over it")
            #expect(root.status(root.image) == nil && root.mounts().isEmpty, "no image installed, nothing mounted")
        }
    }

    // MARK: migrate-ebs

    @Test func addDeviceRefusesATargetThatGotAFilesystem() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let disk = try root.attachDisk(megabytes: 600)
            let result = try root.runStopped(["migrate-ebs", disk, "--yes"], before: "add-device", environment: addRemove) {
                try root.sh("mkfs.ext4 -q \(disk)")
            }
            expectRefused(result, naming: disk, "no longer blank")
            #expect(try root.blkid(disk).contains("ext4"), "not added over")
            #expect(try storeMembers(root).count == 1, "the store is the image alone")
        }
    }

    @Test func replaceRefusesATargetThatGotAFilesystem() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let disk = try root.attachDisk(megabytes: 600)
            let result = try root.runStopped(["migrate-ebs", disk, "--yes"], before: "replace", environment: replace) {
                try root.sh("mkfs.ext4 -q \(disk)")
            }
            expectRefused(result, naming: disk, "no longer blank")
            #expect(try root.blkid(disk).contains("ext4"), "no replace onto it")
            #expect(try BtrfsDeviceReplace.status(at: root.mountpoint).state != .started)
            #expect(try storeMembers(root).count == 1, "the store is the image alone")
        }
    }

    @Test func removeLoopRefusesAnotherBtrfsAtTheMountpoint() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let disk = try root.attachDisk(megabytes: 600)
            var other = (device: "", uuid: "")
            let result = try root.runStopped(["migrate-ebs", disk, "--yes"], before: "remove-loop", environment: addRemove) {
                other = try stackAnotherBtrfs(root)
            }
            expectRefused(result, naming: root.mountpoint, "not the store")
            #expect(try storeMembers(root) == [other.device], "the other btrfs keeps its one device")
            try root.sh("umount '\(root.mountpoint)'")
            #expect(try storeMembers(root).count == 2, "the store still spans the image and the device: nothing removed")
            let again = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(again.status == 0, "a re-run finishes: \(again.stderr)")
        }
    }

    @Test func resizeRefusesAnotherBtrfsAtTheMountpoint() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let disk = try root.attachDisk(megabytes: 600)
            let result = try root.runStopped(["migrate-ebs", disk, "--yes"], before: "resize", environment: addRemove) {
                _ = try stackAnotherBtrfs(root)
            }
            expectRefused(result, naming: root.mountpoint, "not the store")
            #expect(try btrfsSize(root.mountpoint) == 300 << 20, "the other btrfs keeps its size")
            try root.sh("umount '\(root.mountpoint)'")
            let again = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(again.status == 0, "a re-run finishes: \(again.stderr)")
            #expect(try btrfsSize(root.mountpoint) == 600 << 20, "grown onto the whole device")
        }
    }

    /// The image's loop device, let go of by the store (and cleared by the kernel, as mount
    /// attaches it with autoclear), is taken for another file before detach-loop acts: a loop
    /// name is no identity, so that loop device is left attached and the move finishes.
    @Test func detachLoopLeavesALoopThatReadsAnotherFile() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let loop = try #require(root.loopDevices().first)
            let disk = try root.attachDisk(megabytes: 600)
            let other = root.path + "/other.img"
            let result = try root.runStopped(["migrate-ebs", disk, "--yes"], before: "detach-loop", environment: addRemove) {
                try root.sh("truncate -s 64M '\(other)' && (losetup -d \(loop) 2>/dev/null; losetup \(loop) '\(other)')")
            }
            #expect(result.status == 0, "\(result.stderr)")
            let bound = try #require(try LoopDevice.status(loop), "not detached")
            #expect(root.status(other).map { UInt64($0.st_ino) } == bound.backingInode, "still reads the other file")
        }
    }

    @Test func deleteImageRefusesAnImageALoopHoldsAgain() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let disk = try root.attachDisk(megabytes: 600)
            var held = ""
            let result = try root.runStopped(["migrate-ebs", disk, "--yes"], before: "delete-image", environment: addRemove) {
                held = try root.sh("losetup -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            expectRefused(result, naming: root.image, "is attached to \(held)")
            #expect(root.status(root.image) != nil, "the image keeps its name")
            #expect(root.status(root.image + RetiredImage.suffix) == nil, "and was not renamed")
            try root.sh("losetup -d \(held)")
            let again = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(again.status == 0, "once it is let go, a re-run deletes it: \(again.stderr)")
        }
    }

    /// Attack 27 M4, at the moment of acting: a live btrfs of another filesystem made in the
    /// image's file (same inode) after the plan is no image the store left; it is not deleted.
    @Test func deleteImageRefusesAnImageThatHoldsAnotherBtrfs() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let disk = try root.attachDisk(megabytes: 600)
            let result = try root.runStopped(["migrate-ebs", disk, "--yes"], before: "delete-image", environment: addRemove) {
                try root.sh("mkfs.btrfs -q -f '\(root.image)'")
            }
            expectRefused(result, naming: root.image, "holds the btrfs ")
            #expect(result.stderr.contains("not the store this migration moves"), "\(result.stderr)")
            #expect(root.status(root.image) != nil && root.status(root.image + RetiredImage.suffix) == nil, "kept, under its name")
        }
    }

    // MARK: grow

    @Test func extendImageRefusesAnotherFileAtTheImagesName() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let result = try root.runStopped(["grow", "--to", "300M"], before: "extend-image") {
                try root.sh("mv '\(root.image)' '\(root.image).moved' && truncate -s 200M '\(root.image)'")
            }
            expectRefused(result, naming: root.image, "no longer the file behind")
            #expect(root.status(root.image)?.st_size == 200 << 20, "the other file is not extended")
            #expect(root.status(root.image + ".moved")?.st_size == 200 << 20, "nor the image")
        }
    }

    @Test func growResizeRefusesAnotherBtrfsAtTheMountpoint() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            var other = (device: "", uuid: "")
            let result = try root.runStopped(["grow", "--to", "300M"], before: "resize") {
                other = try stackAnotherBtrfs(root)
            }
            expectRefused(result, naming: root.mountpoint, "btrfs \(other.uuid) is mounted there now")
            #expect(try btrfsSize(root.mountpoint) == 300 << 20, "the other btrfs keeps its size")
            try root.sh("umount '\(root.mountpoint)'")
            let again = try root.dockstore(["grow", "--to", "300M"])
            #expect(again.status == 0, "a re-run finishes: \(again.stderr)")
        }
    }
}
