import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every bad input a user can type, in one table: the documented exit code, one line that
/// names the input, and fstab, sysconfig, daemon.json, the image and the spare device's
/// first and last MiB unchanged.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct BadInputMatrixTests {
    /// (arguments, setup shell run in the root with $R and $DISK, exit code, text the message must hold)
    static let cases: [([String], String, Int32, String)] = [
        (["provision", "--size=-5G"], "", 64, "'-5G'"),
        (["provision", "--size", "0"], "", 64, "--size 0"),
        (["provision", "--size", "10Q"], "", 64, "'10Q'"),
        (["provision", "--size", "1.5G"], "", 64, "'1.5G'"),
        (["provision", "--size", "100M"], "", 64, "below 109 MiB"),
        (["provision", "--size", "99999999999999999999"], "", 64, "too large"),
        (["provision", "--size", "8E"], "", 64, "'8E'"),
        (["provision", "--image", "relative.btrfs"], "", 64, "'relative.btrfs'"),
        (["provision", "--image", "/var/lib/../etc/x"], "", 64, "'/var/lib/../etc/x'"),
        (["provision", "--image", "/var/lib/my image"], "", 64, "'/var/lib/my image'"),
        (["provision", "--mountpoint", "docker"], "", 64, "'docker'"),
        (["provision", "--mountpoint", "/"], "", 64, "--mountpoint /"),
        (["provision", "--image", "/var/lib/docker/x.btrfs"], "", 64, "/var/lib/docker/x.btrfs"),
        (["provision", "--mountpoint", "/var/lib/docker-storage.btrfs/x"], "", 64, "inside --image"),
        (["provision", "--mountpoint", "/etc/fstab"], "", 64, "--mountpoint /etc/fstab is inside /etc"),
        (["provision", "--mountpoint", "/proc/docker"], "", 64, "--mountpoint /proc/docker"),
        (["provision", "--image", "/dev/shm/x.btrfs"], "", 64, "--image /dev/shm/x.btrfs"),
        (["provision", "--image", "/nonexistent/x.btrfs"], "", 2, "/nonexistent"),
        (["provision", "--image", "/etc"], "", 2, "/etc is a folder"),
        (["provision", "--thick", "--size", "7E"], "", 2, "--thick needs"),
        (["provision", "--device", "/dev/null"], "", 2, "/dev/null is a character device"),
        (["provision", "--device", "/dev/zero"], "", 2, "/dev/zero is a character device"),
        (["provision", "--device", "/dev/nonexistent", "--wait", "0"], "", 2, "/dev/nonexistent does not exist"),
        (["provision", "--device", "nvme1n1"], "", 64, "'nvme1n1'"),
        (["provision", "--device", "vol-xyz"], "", 64, "'vol-xyz'"),
        (["provision", "--device", "$DISK", "--volume-id", "vol-1"], "", 64, "'vol-1'"),
        (["provision", "--device", "$DISK", "--fs", "zfs"], "", 64, "'zfs'"),
        (["provision", "--device", "$DISK", "--wait=-1"], "", 64, "--wait"),
        (["provision", "--device", "$DISK", "--size", "1G"], "", 64, "a size"),
        (["provision", "--device", "$DISK", "--volume-id", "vol-0abc1234def567890"], "", 2, "no EBS volume id"),
        (["provision", "--device", "$DISK1"], "", 2, "is a partition of"),
        (["provision", "--mount-options", "compress;reboot"], "", 64, "'compress;reboot'"),
        (["provision", "--force"], "", 64, "--force goes with --device"),
        (["provision"], "printf 'DOCKER_OPTS=\"$(reboot)\"\\n' > $R/etc/sysconfig/docker", 2, "shell expansion"),
        (["provision"], "printf 'DOCKER_OPTS=\"-s btrfs\\n' > $R/etc/sysconfig/docker", 2, "never closed"),
        (["provision"], "printf '{ \"storage-driver\": ' > $R/etc/docker/daemon.json", 2, "daemon.json is not valid JSON"),
        (["provision"], "printf '[\"storage-driver\"]' > $R/etc/docker/daemon.json", 2, "does not hold a JSON object"),
        (["provision"], "printf 'a /var/lib/docker btrfs defaults 0 0\\nb /var/lib/docker btrfs defaults 0 0\\n' > $R/etc/fstab", 2, "2 lines for /var/lib/docker"),
        (["provision"], "printf 'UUID=x /var/lib/docker xfs defaults 0 0\\n' > $R/etc/fstab", 2, "already mounts UUID=x"),
        (["provision"], "mkdir -p $R/var/lib/docker/image && echo x > $R/var/lib/docker/image/repositories.json", 2, "holds files"),
        (["backend", "aufs"], "", 64, "'aufs'"),
        (["backend", "btrfs", "--storage-opt", "btrfs.min_space=1G;id"], "", 64, "'btrfs.min_space=1G;id'"),
        (["backend", "btrfs", "--storage-opt", "overlay2.size=1G"], "", 64, "'overlay2.size=1G'"),
        (["backend", "overlay2", "--storage-opt", "size"], "", 64, "'size'"),
        (["check", "-w", "lots"], "", 3, "'lots'"),
        (["check", "--mountpoint", "relative"], "", 3, "'relative'"),
        (["grow", "--to", "1G"], "", 2, "nothing is mounted"),
        (["grow", "--to=-1G"], "", 64, "'-1G'"),
        (["teardown", "--wipe-device"], "", 2, "--wipe-device: the store has no device"),
        (["migrate-ebs", "/dev/null", "--yes"], "", 2, "/dev/null is a character device"),
        (["migrate-ebs", "vol-1", "--yes"], "", 64, "'vol-1'"),
        (["provision", "--root", "/nonexistent-root"], "", 64, "/nonexistent-root"),
        (["provision", "--lock-timeout=-1"], "", 64, "--lock-timeout -1.0"),
    ]

    @Test func everyBadInputIsRefusedAndChangesNothing() throws {
        #expect(Self.cases.count >= 40)
        for (arguments, setup, status, text) in Self.cases {
            try withTestRoot { root in
                let disk = try root.attachDisk(megabytes: 256) { try root.sh("printf 'label: gpt\\n,\\n' | sfdisk -q '\($0)' >/dev/null") }
                try root.sh("losetup -d \(disk) && losetup -P \(disk) \(root.path)/$(basename $(ls \(root.path)/disk-*.img)) && partx -u \(disk) 2>/dev/null; true")
                if !setup.isEmpty { try root.sh("R=\(root.path); mkdir -p $R/etc/sysconfig $R/etc/docker; \(setup)") }
                let expanded = arguments.map { $0.replacingOccurrences(of: "$DISK1", with: disk + "p1").replacingOccurrences(of: "$DISK", with: disk) }
                let before = root.snapshot()
                let ends = try root.ends(disk)
                let withRoot = expanded.contains("--root") ? expanded : expanded + ["--root", root.path]
                let result = try root.run(TestRoot.binary, withRoot)
                let output = result.stderr.isEmpty ? result.stdout : result.stderr
                #expect(result.status == status, "\(arguments): \(output)")
                if status != 0 {
                    #expect(output.split(separator: "\n").count == 1, "\(arguments): one line: \(output)")
                    #expect(output.contains(text), "\(arguments): names the input: \(output)")
                }
                #expect(root.snapshot() == before, "\(arguments): nothing changed")
                #expect(try root.ends(disk) == ends, "\(arguments): the device is untouched")
            }
        }
    }

    @Test func neverWritesThroughASymlinkItDidNotExpect() throws {
        for target in ["etc/fstab", "etc/sysconfig/docker", "etc/docker/daemon.json", "etc/systemd/system/docker.service.d"] {
            try withTestRoot { root in
                try root.write(root.path + "/etc/shadow", "root:secret:1:0:99999:7:::\n")
                try root.sh("mkdir -p \(root.path)/etc/sysconfig \(root.path)/etc/docker \(root.path)/etc/systemd/system \(root.path)/secret-dir")
                let link = root.path + "/" + target
                try root.sh("rm -rf '\(link)' && ln -s \(target.hasSuffix(".d") ? root.path + "/secret-dir" : root.path + "/etc/shadow") '\(link)'")
                let result = try root.dockstore(["provision", "--size", "256M"])
                #expect(result.status == 2, "\(target): \(result.stderr)")
                #expect(result.stderr.contains("symbolic link"), "\(target): \(result.stderr)")
                #expect(root.read(root.path + "/etc/shadow") == "root:secret:1:0:99999:7:::\n", "\(target)")
                #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + "/secret-dir").isEmpty, "\(target)")
            }
        }
    }
}
