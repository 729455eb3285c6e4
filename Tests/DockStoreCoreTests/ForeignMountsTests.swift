@testable import DockStoreCore
import Foundation
import Testing

/// `ForeignMounts.find` over a scratch /proc: which mounts of other namespaces keep the store
/// mounted after the unmount here, judged as the kernel propagates an unmount.
struct ForeignMountsTests {
    /// The store is 0:40, mounted at /d (ID 46) under / (ID 27, peer group 1) here.
    static let own = """
        27 1 254:0 / / rw shared:1 - ext4 /dev/vda rw
        46 27 0:40 / /d rw shared:2 - btrfs /dev/loop0 rw
        """

    struct Process {
        var pid: Int32
        var namespace: String
        var mountinfo: String
        var comm = "sleep"
    }

    func scratchProc(_ processes: [Process]) throws -> String {
        var template = Array("/tmp/foreign-mounts.XXXXXX".utf8CString)
        let root = try #require(mkdtemp(&template).map { String(cString: $0) })
        func add(_ name: String, _ namespace: String, _ mountinfo: String, _ comm: String) throws {
            try FileManager.default.createDirectory(atPath: "\(root)/\(name)/ns", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(root)/\(name)/ns/mnt", withDestinationPath: namespace)
            try (mountinfo + "\n").write(toFile: "\(root)/\(name)/mountinfo", atomically: false, encoding: .utf8)
            try (comm + "\n").write(toFile: "\(root)/\(name)/comm", atomically: false, encoding: .utf8)
        }
        try add("self", "mnt:[1]", Self.own, "dockstore")
        try add("1", "mnt:[1]", Self.own, "init")
        for process in processes { try add(String(process.pid), process.namespace, process.mountinfo, process.comm) }
        return root
    }

    @Test(arguments: [
        // A private copy (unshare -m): it stays.
        ("70 60 254:0 / / rw - ext4 /dev/vda rw\n71 70 0:40 / /d rw - btrfs /dev/loop0 rw", ["71"]),
        // systemd's slave copy of a shared /: the unmount reaches it.
        ("70 60 254:0 / / rw master:1 - ext4 /dev/vda rw\n71 70 0:40 / /d rw master:2 - btrfs /dev/loop0 rw", []),
        // A peer of / (shared:1): reached too.
        ("70 60 254:0 / / rw shared:1 - ext4 /dev/vda rw\n71 70 0:40 / /d rw shared:2 - btrfs /dev/loop0 rw", []),
        // A slave copy with a mount below it: the kernel leaves it.
        ("70 60 254:0 / / rw master:1 - ext4 /dev/vda rw\n71 70 0:40 / /d rw master:2 - btrfs /dev/loop0 rw\n72 71 0:50 / /d/sub rw - tmpfs pin rw", ["71"]),
        // A slave of another group: not reached.
        ("70 60 254:0 / / rw master:9 - ext4 /dev/vda rw\n71 70 0:40 / /d rw - btrfs /dev/loop0 rw", ["71"]),
        // A subvolume of the store bound elsewhere (a container's root): the same superblock.
        ("70 60 254:0 / / rw - ext4 /dev/vda rw\n75 70 0:40 /btrfs/subvolumes/abc /merged rw - btrfs /dev/loop0 rw", ["75"]),
        // Another filesystem only.
        ("70 60 254:0 / / rw - ext4 /dev/vda rw\n71 70 0:41 / /d rw - btrfs /dev/loop1 rw", []),
    ] as [(String, [String])])
    func aCopyCountsWhenTheUnmountDoesNotReachIt(_ mountinfo: String, _ expected: [String]) throws {
        let proc = try scratchProc([Process(pid: 500, namespace: "mnt:[2]", mountinfo: mountinfo)])
        defer { try? FileManager.default.removeItem(atPath: proc) }
        let found = try ForeignMounts.find(device: makeDevice(0, 40), receivingUnmountsOf: "1", proc: proc)
        #expect(found.map { String($0.mountID) } == expected)
        #expect(found.allSatisfy { $0.pid == 500 && $0.command == "sleep" })
    }

    /// Without a peer group (the post-unmount look, or a private parent) every copy counts; the
    /// namespace's first process names it, its second is not read again; this namespace's own
    /// mounts never count, also through a process whose namespace link says another name.
    @Test func everyCopyCountsOnceAndOwnMountsNever() throws {
        let copy = "70 60 254:0 / / rw master:1 - ext4 /dev/vda rw\n71 70 0:40 / /d rw master:2 - btrfs /dev/loop0 rw"
        let proc = try scratchProc([
            Process(pid: 500, namespace: "mnt:[2]", mountinfo: copy, comm: "first"),
            Process(pid: 501, namespace: "mnt:[2]", mountinfo: copy, comm: "second"),
            Process(pid: 502, namespace: "mnt:[3]", mountinfo: Self.own, comm: "own"),
        ])
        defer { try? FileManager.default.removeItem(atPath: proc) }
        let found = try ForeignMounts.find(device: makeDevice(0, 40), proc: proc)
        #expect(found == [ForeignMount(pid: 500, command: "first", target: "/d", mountID: "71")])
        #expect(found.first?.described == "pid 500 (first) at /d")
        #expect(found.first?.remedy == "nsenter -t 500 -m umount /d, or stop that process")
        #expect(throws: DockStoreError.self) {
            try Teardowner.checkUnmountedEverywhere(device: makeDevice(0, 40), mountpoint: "/d", proc: proc)
        }
        do {
            try Teardowner.checkUnmountedEverywhere(device: makeDevice(0, 40), mountpoint: "/d", proc: proc)
        } catch let error as DockStoreError {
            #expect(error.kind == .failed)
            #expect(error.message == "unmounted Docker's storage at /d here, but it stays mounted in another mount namespace (pid 500 (first) at /d); teardown stopped before detaching or changing any file: nsenter -t 500 -m umount /d, or stop that process, then re-run")
        }
    }

    @Test func aProcessThatExitedIsLeftOutAndNoProcFailsClosed() throws {
        let proc = try scratchProc([Process(pid: 500, namespace: "mnt:[2]", mountinfo: "")])
        defer { try? FileManager.default.removeItem(atPath: proc) }
        try FileManager.default.removeItem(atPath: proc + "/500/mountinfo")
        #expect(try ForeignMounts.find(device: makeDevice(0, 40), proc: proc) == [])
        #expect(throws: DockStoreError.self) { try ForeignMounts.find(device: makeDevice(0, 40), proc: proc + "/missing") }
    }
}
