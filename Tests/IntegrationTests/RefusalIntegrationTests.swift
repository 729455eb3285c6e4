import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every refusal exits with its documented status, prints one line naming the thing, and
/// changes nothing on disk.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct RefusalIntegrationTests {
    func expectRefusal(_ root: TestRoot, _ arguments: [String], status: Int32, naming fragment: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = root.snapshot()
        let result = try root.dockstore(arguments)
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(root.changes(since: before) == [], "nothing changed", sourceLocation: sourceLocation)
    }

    @Test func refusesAnImageHoldingAnotherFilesystem() throws {
        try withTestRoot { root in
            try root.sh("truncate -s 200M '\(root.image)' && mkfs.ext4 -q -F '\(root.image)'")
            try expectRefusal(root, ["provision"], status: 2, naming: "\(root.image) holds a ext4 signature, not btrfs")
            #expect(BlockProbe.probe(root.image) != .blank)
        }
    }

    @Test func refusesAnImageHoldingUnknownData() throws {
        try withTestRoot { root in
            try root.sh("truncate -s 200M '\(root.image)' && printf 'precious' | dd of='\(root.image)' bs=1 seek=4096 conv=notrunc status=none")
            try expectRefusal(root, ["provision"], status: 2, naming: "data that no known signature describes")
        }
    }

    @Test func refusesASymlinkAtTheImagePath() throws {
        try withTestRoot { root in
            try root.write(root.path + "/etc/shadow", "secret\n")
            try root.sh("ln -s '\(root.path)/etc/shadow' '\(root.image)'")
            try expectRefusal(root, ["provision"], status: 2, naming: "symbolic link")
            #expect(root.read(root.path + "/etc/shadow") == "secret\n")
        }
    }

    @Test func refusesAFolderAtTheImagePath() throws {
        try withTestRoot { root in
            try root.sh("mkdir '\(root.image)'")
            try expectRefusal(root, ["provision"], status: 2, naming: "is a folder, not a regular file")
        }
    }

    @Test func refusesAMountpointHoldingDockersData() throws {
        try withTestRoot { root in
            try root.write(root.mountpoint + "/containers/abc/config.json", "{}")
            try expectRefusal(root, ["provision"], status: 2, naming: "would hide Docker's existing data")
            #expect(root.status(root.image) == nil)
        }
    }

    @Test func refusesAMountpointThatIsAFile() throws {
        try withTestRoot { root in
            try root.write(root.mountpoint, "x")
            try expectRefusal(root, ["provision"], status: 2, naming: "is a regular file, not a folder")
        }
    }

    @Test func refusesABusyMountpoint() throws {
        try withTestRoot { root in
            try root.sh("mkdir '\(root.mountpoint)' && mount -t tmpfs dockstore-test '\(root.mountpoint)'")
            try expectRefusal(root, ["provision"], status: 2, naming: "dockstore-test (tmpfs) mounted on it")
        }
    }

    @Test func refusesAForeignFstabLine() throws {
        try withTestRoot { root in
            try root.write(root.fstab, "UUID=1234 /var/lib/docker xfs defaults 0 0\n")
            try expectRefusal(root, ["provision"], status: 2, naming: "line 1 already mounts UUID=1234")
        }
    }

    @Test func refusesAnInvalidDaemonJSON() throws {
        try withTestRoot { root in
            try root.write(root.path + "/etc/docker/daemon.json", "{\n  \"log-level\": \"warn\",\n")
            try expectRefusal(root, ["provision"], status: 2, naming: "daemon.json is not valid JSON")
        }
    }

    @Test(arguments: [
        (["--size=-5G"], "--size '-5G'"), (["--size", "10Q"], "--size '10Q'"), (["--size", "0"], "--size 0"),
        (["--size", "100M"], "below 109 MiB"), (["--size", "1.5G"], "not a whole number"),
        (["--image", "relative.btrfs"], "not an absolute path"), (["--image", "/var/lib/../x"], "'..'"),
        (["--mountpoint", "/"], "whole system"), (["--image", "/var/lib/docker/inner.btrfs"], "inside --mountpoint"),
        (["--mountpoint", "/var/lib/my docker"], "a space"),
    ])
    func refusesBadOptions(_ options: [String], _ fragment: String) throws {
        try withTestRoot { root in
            try expectRefusal(root, ["provision"] + options, status: 64, naming: fragment)
        }
    }

    @Test func refusesAMissingRoot() throws {
        try withTestRoot { root in
            let result = try root.dockstore(["provision", "--root", root.path + "/nope"], root: false)
            #expect(result.status == 64)
            #expect(result.stderr.contains("--root \(root.path)/nope"))
        }
    }
}
