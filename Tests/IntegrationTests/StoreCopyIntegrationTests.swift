import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 11 A-2: a block copy of a device store (a restored EBS snapshot: same btrfs UUID,
/// devid and device UUID) attached beside it. provision mounted whichever copy libblkid met
/// first — the stale one, silently rolling the store back — and check said OK. Now provision
/// refuses naming both devices and their generations, mounts neither and changes nothing;
/// status says so (exit 4), check is CRITICAL; the data written after the copy stays reachable.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StoreCopyIntegrationTests {
    struct Store {
        var file: String
        var volume: String
        var uuid: String
        var deviceUUID: String
    }

    /// A device store on a loop device over `vol.img` in the root, `old` written, a block copy
    /// of the volume taken (`vol.img.copy`), then `newer` written: the copy lacks `newer`.
    func storeWithCopy(_ root: TestRoot) throws -> Store {
        let file = root.path + "/vol.img"
        try root.sh("truncate -s 1G \(file)")
        let volume = try root.sh("losetup -f --show \(file)").trimmingCharacters(in: .whitespacesAndNewlines)
        let provision = try root.dockstore(["provision", "--device", volume])
        try #require(provision.status == 0, "\(provision.stdout) \(provision.stderr)")
        try root.sh("echo old > \(root.mountpoint)/old && sync")
        try root.sh("cp --sparse=always \(file) \(file).copy")
        try root.sh("echo newer > \(root.mountpoint)/newer && sync")
        let uuid = try root.sh("blkid -p -s UUID -o value \(volume)").trimmingCharacters(in: .whitespacesAndNewlines)
        let deviceUUID = try root.sh("blkid -p -s UUID_SUB -o value \(volume)").trimmingCharacters(in: .whitespacesAndNewlines)
        return Store(file: file, volume: volume, uuid: uuid, deviceUUID: deviceUUID)
    }

    func generation(_ root: TestRoot, _ device: String) throws -> String {
        try root.sh("btrfs inspect-internal dump-super \(device) | awk '$1==\"generation\"{print $2}'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The devices in the order dockstore lists them (kernel names sorted as text), each with its generation.
    func describe(_ root: TestRoot, _ store: Store, _ devices: [String]) throws -> String {
        let listed = try devices.sorted().map { "\($0) (generation \(try generation(root, $0)))" }
        return "\(listed.joined(separator: " and ")) both carry devid 1 of the btrfs UUID=\(store.uuid) (device UUID \(store.deviceUUID)): block copies of one volume, such as a restored snapshot"
    }

    func advice(older: String) -> String {
        "detach the copy that is not the store (the lower generation is the older: \(older)), or give it new UUIDs while it is not mounted (btrfstune -u \(older), or btrfstune -m \(older))"
    }

    /// The boot of A-2: the copy attached first (the lower kernel name), then the volume.
    @Test func provisionRefusesTwoCopiesOfTheVolumeAndMountsNeither() throws {
        try withTestRoot { root in
            var store = try storeWithCopy(root)
            try root.sh("umount \(root.mountpoint)")
            root.forgetBtrfs([store.volume])
            try root.sh("losetup -d \(store.volume)")
            let copy = try root.sh("losetup -f --show \(store.file).copy").trimmingCharacters(in: .whitespacesAndNewlines)
            store.volume = try root.sh("losetup -f --show \(store.file)").trimmingCharacters(in: .whitespacesAndNewlines)
            let what = try describe(root, store, [copy, store.volume])
            let expected = "refusing: \(what); dockstore mounts neither (the older one would roll the store back, and the boot's UUID= may pick either): \(advice(older: copy)), and re-run"

            let before = root.snapshot()
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 2, "\(provision.stdout) \(provision.stderr)")
            #expect(provision.stderr == "dockstore: \(expected)\n", "\(provision.stderr)")
            #expect(provision.stdout.isEmpty, "\(provision.stdout)")
            #expect(root.changes(since: before) == [], "a refusal changes nothing and mounts neither")
            #expect(root.mounts().isEmpty, "\(root.mounts())")

            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout) \(status.stderr)")
            #expect(status.stdout.contains("mounted:     no (\(root.mountpoint))"), "\(status.stdout)")
            #expect(status.stdout.contains("\n  - \(expected)"), "\(status.stdout)")
            #expect(root.changes(since: before) == [])

            // Detach the copy as told: the volume mounts, with what was written after the copy.
            root.forgetBtrfs([copy])
            try root.sh("losetup -d \(copy)")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout) \(boot.stderr)")
            #expect(root.mounts().first { $0.target == root.mountpoint }?.source == store.volume, "\(root.mounts())")
            #expect(root.read(root.mountpoint + "/newer") == "newer\n", "DATA: the file written after the copy")
            #expect(root.read(root.mountpoint + "/old") == "old\n")
        }
        reliability("copies: provision refuses two copies of the store's volume", cases: 1, runs: 1)
    }

    /// A copy attached while the store is mounted: check is CRITICAL naming both, status says
    /// the store is mounted and lists the refusal (exit 4); provision refuses and changes nothing.
    @Test func checkAndStatusNameACopyBesideTheMountedStore() throws {
        try withTestRoot { root in
            let store = try storeWithCopy(root)
            let copy = try root.sh("losetup -f --show \(store.file).copy").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { root.forgetBtrfs([copy]) }
            // The mounted volume's generation moves with each commit: the message is compared
            // with the description read just before and just after the run.
            func matches(_ run: () throws -> RunResult, _ text: (String) -> String) throws -> (RunResult, Bool) {
                let first = try describe(root, store, [copy, store.volume])
                let result = try run()
                let second = try describe(root, store, [copy, store.volume])
                return (result, [first, second].contains { text($0) == result.stdout || "dockstore: " + text($0) + "\n" == result.stderr })
            }
            let prefix = { (what: String) in "DOCKSTORE CRITICAL - \(what) (\(store.volume) is the one mounted at \(root.mountpoint)): the next boot mounts whichever its UUID= finds first, and the older one rolls the store back; \(self.advice(older: copy))" }
            let first = try describe(root, store, [copy, store.volume])
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            let second = try describe(root, store, [copy, store.volume])
            #expect(check.status == 2, "\(check.stdout)")
            #expect([first, second].contains { check.stdout.hasPrefix(prefix($0) + " | ") }, "\(check.stdout)")
            let prom = try root.dockstore(["check", "--state-file", "/errors", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"store_copy\"} 2"), "\(prom.stdout)")

            let before = root.snapshot()
            let (provision, provisionMatches) = try matches({ try root.dockstore(["provision"]) }) { what in
                "refusing: \(what); dockstore mounts neither (the older one would roll the store back, and the boot's UUID= may pick either): \(self.advice(older: copy)), and re-run"
            }
            #expect(provision.status == 2, "\(provision.stdout) \(provision.stderr)")
            #expect(provisionMatches, "\(provision.stderr)")
            #expect(provision.stderrLines.count == 1)
            #expect(root.changes(since: before) == [])
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout) \(status.stderr)")
            #expect(status.stdout.contains("mounted:     yes, \(store.volume) at \(root.mountpoint)"), "\(status.stdout)")
            #expect(status.stdout.contains("\n  - refusing: \([copy, store.volume].sorted()[0]) (generation "), "\(status.stdout)")
            #expect(status.stdout.contains("block copies of one volume") && status.stdout.contains("btrfstune -u \(copy)"), "\(status.stdout)")

            try root.sh("losetup -d \(copy)")
            let after = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(after.status == 0, "\(after.stdout)")
            #expect(root.read(root.mountpoint + "/newer") == "newer\n")
        }
        reliability("copies: check and status name a copy beside the mounted store", cases: 1, runs: 1)
    }

    /// Attack 34 X F3: a copy on a device the kernel lists whose node in /dev is gone (removed,
    /// renamed) was skipped, and check said OK; the next boot's udev makes the node and `UUID=`
    /// may mount the copy. It is read through a node made for its number, named by the kernel's
    /// name, and the node and its folder are gone after the run.
    /// A store with a copy attached on a loop device whose node is renamed away from /dev's
    /// name for it while `body` runs (the loop device's name, its node's new path).
    func withHiddenCopy(_ root: TestRoot, _ body: (String, String) throws -> Void) throws {
        let store = try storeWithCopy(root)
        let copy = try root.sh("losetup -f --show \(store.file).copy").trimmingCharacters(in: .whitespacesAndNewlines)
        defer { root.forgetBtrfs([copy]) }
        let hidden = copy + ".hidden-by-test"
        _ = try root.sh("mv '\(copy)' '\(hidden)'")
        defer { _ = try? root.sh("mv '\(hidden)' '\(copy)'") }
        try body(copy, hidden)
    }

    @Test func aCopyWhoseNodeIsGoneIsStillFound() throws {
        try withTestRoot { root in try withHiddenCopy(root) { copy, hidden in
            let number = try root.sh("stat -c '%t:%T' '\(hidden)'").trimmingCharacters(in: .whitespacesAndNewlines)
                .split(separator: ":").map { String(UInt64($0, radix: 16) ?? 0) }.joined(separator: ":")
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - ")
                    && check.stdout.contains("\(copy) (no such node in /dev; the kernel's device \(number))"), "\(check.stdout)")
            let left = try root.sh("ls -d /dev/.dockstore-nodes.* 2>/dev/null || true").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(left.isEmpty, "\(left)")
        } }
    }

    /// A check killed while it holds nodes (a monitoring time-out's SIGKILL) left its folder of
    /// block device nodes in /dev for good. The next check that makes nodes removes it; a folder
    /// of a check still running (stopped here) stays, and so does a folder holding anything but
    /// such nodes.
    @Test func aKilledChecksNodesAreRemovedByTheNextOne() throws {
        try withTestRoot { root in try withHiddenCopy(root) { _, _ in
            let foreign = try root.sh("mktemp -d /dev/.dockstore-nodes.testXXXXXX").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("rm -rf '\(foreign)'") }
            try root.sh("touch '\(foreign)/notes'")
            let folders = { try root.sh("ls -d /dev/.dockstore-nodes.* 2>/dev/null | grep -vx '\(foreign)' || true")
                .split(separator: "\n").map(String.init) }
            let before = try folders()

            let killed = Process()
            killed.executableURL = URL(fileURLWithPath: TestRoot.binary)
            killed.arguments = ["check", "--state-file", "/errors", "--root", root.path]
            killed.environment = ProcessInfo.processInfo.environment.merging([Failpoint.pauseVariable: "device-node:stop"]) { $1 }
            killed.standardOutput = FileHandle.nullDevice
            killed.standardError = FileHandle.nullDevice
            try killed.run()
            defer { if killed.isRunning { kill(killed.processIdentifier, SIGKILL); killed.waitUntilExit() } }
            var stopped = false
            for _ in 0..<2400 where killed.isRunning && !stopped {
                let stat = (try? String(contentsOfFile: "/proc/\(killed.processIdentifier)/stat", encoding: .utf8)) ?? ""
                stopped = stat.split(separator: ")").last?.split(separator: " ").first == "T"
                if !stopped { usleep(50_000) }
            }
            try #require(stopped, "check stopped after making its node")
            let held = try folders().filter { !before.contains($0) }
            try #require(held.count == 1, "\(held)")
            try #require(try root.sh("ls '\(held[0])'").trimmingCharacters(in: .whitespacesAndNewlines) != "")

            let beside = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(beside.status == 2 && beside.stdout.contains("no such node in /dev"), "\(beside.stdout)")
            #expect(try folders().contains(held[0]), "the folder of a check still running stays")

            kill(killed.processIdentifier, SIGKILL)
            killed.waitUntilExit()
            #expect(try folders().contains(held[0]), "a SIGKILL leaves the folder")
            let next = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(next.status == 2 && next.stdout.contains("no such node in /dev"), "\(next.stdout)")
            #expect(!(try folders().contains(held[0])), "the next check removed the killed one's folder")
            #expect(try root.sh("ls '\(foreign)'").trimmingCharacters(in: .whitespacesAndNewlines) == "notes", "a folder that is not only nodes stays")
        } }
    }

    /// Attack 35 Z C2: a folder of that name with another filesystem's folder bind-mounted on it
    /// is not one check made: the block node in it (a file of that filesystem) stays.
    @Test func aBindMountedFolderOfThatNameIsLeftAlone() throws {
        try withTestRoot { root in try withHiddenCopy(root) { _, _ in
            let outside = root.path + "/outside-dev"
            try root.sh("mkdir -p '\(outside)' && mknod '\(outside)/7:201' b 7 201")
            let mounted = try root.sh("mktemp -d /dev/.dockstore-nodes.testXXXXXX").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("umount '\(mounted)' 2>/dev/null; rmdir '\(mounted)'") }
            try root.sh("mount --bind '\(outside)' '\(mounted)'")
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2 && check.stdout.contains("no such node in /dev"), "\(check.stdout)")
            #expect(FileManager.default.fileExists(atPath: outside + "/7:201"), "the node of another filesystem stays")
        } }
    }
}
