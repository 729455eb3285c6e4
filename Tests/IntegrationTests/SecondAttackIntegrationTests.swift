import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Cases of the second outside attack on issue 15 (2026-11-30): grow reached a file and a
/// btrfs outside --root through a folder swapped for a link while it paused before a step,
/// and teardown unmounted a bind mount stacked on the store, said done, and left the store
/// mounted. Each swap lands while dockstore is stopped at the step (`DOCKSTORE_PAUSE=step:stop`).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct SecondAttackIntegrationTests {
    /// Runs dockstore stopped before `step`, calls `meanwhile` while it is stopped, lets it go on.
    func runStopped(_ root: TestRoot, _ arguments: [String], before step: String,
                    meanwhile: () throws -> Void) throws -> (status: Int32, stderr: String) {
        let run = Process()
        run.executableURL = URL(fileURLWithPath: TestRoot.binary)
        run.arguments = arguments + ["--root", root.path]
        run.environment = ProcessInfo.processInfo.environment.merging([Failpoint.pauseVariable: step + ":stop"]) { $1 }
        let stderr = Pipe()
        run.standardOutput = FileHandle.nullDevice
        run.standardError = stderr
        try run.run()
        var stopped = false
        for _ in 0..<1200 where run.isRunning && !stopped {
            let stat = (try? String(contentsOfFile: "/proc/\(run.processIdentifier)/stat", encoding: .utf8)) ?? ""
            stopped = stat.split(separator: ")").last?.split(separator: " ").first == "T"
            if !stopped { usleep(50_000) }
        }
        defer { if run.isRunning { kill(run.processIdentifier, SIGCONT); run.waitUntilExit() } }
        try #require(stopped, "dockstore stopped before \(step)")
        try meanwhile()
        kill(run.processIdentifier, SIGCONT)
        run.waitUntilExit()
        return (run.terminationStatus, String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test func growNeverExtendsAFileOutsideTheRoot() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let outside = root.path + ".outside"
            try root.sh("mkdir -p '\(outside)' && truncate -s 1M '\(outside)/docker-storage.btrfs'")
            defer { _ = try? root.sh("rm -rf '\(outside)'") }
            let result = try runStopped(root, ["grow", "--to", "300M"], before: "extend-image") {
                try root.sh("cd '\(root.path)/var' && mv lib lib.moved && ln -s ../../\(URL(fileURLWithPath: outside).lastPathComponent) lib")
            }
            try root.sh("cd '\(root.path)/var' && rm lib && mv lib.moved lib")
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(root.status(outside + "/docker-storage.btrfs")?.st_size == 1 << 20, "the file outside --root is untouched")
            #expect(root.status(root.image)?.st_size == 200 << 20, "nothing was extended")
        }
    }

    @Test func growNeverResizesABtrfsOutsideTheRoot() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let outside = root.path + ".outside"
            let other = try root.attachDisk(megabytes: 400)
            try root.sh("mkfs.btrfs -q -b 200M \(other) && mkdir -p '\(outside)/docker' && mount \(other) '\(outside)/docker'")
            defer { _ = try? root.sh("umount '\(outside)/docker'; rm -rf '\(outside)'") }
            let before = try CapacityProbe.read(mountpoint: outside + "/docker").deviceSize
            let result = try runStopped(root, ["grow", "--to", "300M"], before: "resize") {
                try root.sh("cd '\(root.path)/var' && mv lib lib.moved && ln -s ../../\(URL(fileURLWithPath: outside).lastPathComponent) lib")
            }
            try root.sh("cd '\(root.path)/var' && rm lib && mv lib.moved lib")
            #expect(result.status == ExitStatus.refused.rawValue, "\(result.stderr)")
            #expect(try CapacityProbe.read(mountpoint: outside + "/docker").deviceSize == before, "the btrfs outside --root keeps its size")
            let again = try root.dockstore(["grow", "--to", "300M"])
            #expect(again.status == 0, "a re-run finishes: \(again.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == 300 << 20)
        }
    }

    /// What is bind-mounted over the store at its mountpoint: a folder of it, or itself.
    static let stacked = ["a folder of the store", "the store itself"]

    @Test(arguments: stacked)
    func teardownRefusesAMountStackedOnTheStore(_ what: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let m = root.mountpoint
            try root.sh("mkdir -p '\(m)/sub' && mount --bind '\(what == "the store itself" ? m : m + "/sub")' '\(m)'")
            let fstab = root.read(root.fstab)
            let result = try root.dockstore(["teardown", "--delete-image"])
            #expect(result.status == ExitStatus.refused.rawValue, "\(what): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("on top of each other"), "\(result.stderr)")
            #expect(root.read(root.fstab) == fstab, "\(what): fstab unchanged")
            #expect(root.status(root.path + "/etc/dockstore.disabled") == nil, "\(what): nothing changed")
            try root.sh("umount '\(root.mountpoint)'")
            let again = try root.dockstore(["teardown", "--delete-image"])
            #expect(again.status == 0, "\(what): once the bind mount is gone: \(again.stderr)")
            #expect(!(try root.sh("findmnt -rn -o TARGET")).contains(root.mountpoint), "\(what): the store is unmounted")
        }
    }
}
