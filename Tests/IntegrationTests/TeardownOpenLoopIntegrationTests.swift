import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 35 Y C4: a second loop device over the image (attached by someone else) that a
/// process held open. teardown --delete-image unmounted the store, detached both loop devices
/// (the kernel only marks a busy one to go once free), then stopped halfway (exit 1) with hints
/// all about the mountpoint, which `lsof | grep MOUNTPOINT` never shows. It refuses before any
/// change now, naming the loop device and the process; opened after the plan, the stop after
/// the detach names them too.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownOpenLoopIntegrationTests {
    /// A process holding `device` open, ended by `stop`.
    final class Holder {
        let process = Process()
        init(_ device: String) throws {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec 9<\"$1\"; exec sleep 600", "sh", device]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 {
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/fd/9")) == device,
                   (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/comm", encoding: .utf8)) == "sleep\n" { return }
                usleep(50_000)
            }
            stop()
            throw TestFailure("the holder did not open \(device)")
        }
        func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test func aLoopDeviceOpenInAProcessIsRefusedBeforeAnyChange() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let second = try root.sh("losetup -f --show -r '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(second) 2>/dev/null || true") }
            let holder = try Holder(second)
            defer { holder.stop() }
            let before = root.snapshot()
            let run = try root.dockstore(["teardown", "--delete-image"])
            #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("refusing: \(second) is open in process \(holder.process.processIdentifier) (sleep) (fuser -v \(second)); teardown detaches every loop device over the image")
                    && run.stderr.hasSuffix("end that use and re-run; nothing was changed\n"), "\(run.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("/dev/loop"))

            holder.stop()
            let again = try root.dockstore(["teardown", "--delete-image"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.image))
        }
    }

    @Test func aLoopDeviceOpenedAfterThePlanIsNamedWhenTheDetachStops() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let second = try root.sh("losetup -f --show -r '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(second) 2>/dev/null || true") }
            var holder: Holder?
            defer { holder?.stop() }
            let run = try root.runStopped(["teardown", "--delete-image"], before: "detach-loop") {
                holder = try Holder(second)
            }
            let pid = try #require(holder?.process.processIdentifier)
            #expect(run.status == ExitStatus.failed.rawValue, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("\(second) is open in process \(pid) (sleep) (fuser -v \(second)); teardown stopped before changing any file"), "\(run.stderr)")
            #expect(FileManager.default.fileExists(atPath: root.image), "the image is kept")
            #expect(FileManager.default.fileExists(atPath: root.path + "/etc/fstab"))
            holder?.stop()
            let again = try root.dockstore(["teardown", "--delete-image"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.image))
        }
    }
}
