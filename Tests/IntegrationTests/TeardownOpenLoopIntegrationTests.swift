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
        /// `pathOnly`: an O_PATH descriptor (python3), which opens nothing.
        init(_ device: String, pathOnly: Bool = false) throws {
            if pathOnly {
                process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
                process.arguments = ["-c", "import os, sys, time; os.dup2(os.open(sys.argv[1], os.O_PATH), 9); time.sleep(600)", device]
            } else {
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", "exec 9<\"$1\"; exec sleep 600", "sh", device]
            }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let name = pathOnly ? "python3\n" : "sleep\n"
            for _ in 0..<100 {
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/fd/9")) == device,
                   (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/comm", encoding: .utf8)) == name { return }
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

    /// Attack 35 Z T1: an O_PATH descriptor names the node without opening the device and holds
    /// nothing: teardown does not refuse for it, and the detach goes through.
    @Test func aPathOnlyDescriptorHoldsNothing() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let second = try root.sh("losetup -f --show -r '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(second) 2>/dev/null || true") }
            let holder = try Holder(second, pathOnly: true)
            defer { holder.stop() }
            let run = try root.dockstore(["teardown", "--delete-image"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.image))
        }
    }

    /// Attack 35 Z T5: a loop device stacked on the store's loop device (not mounted) keeps that
    /// one bound after its detach: teardown unmounted the store, then stopped (exit 1) naming
    /// nothing of it. Refused before any change now, naming it.
    @Test func aLoopDeviceStackedOnTheStoresLoopDeviceIsRefusedBeforeAnyChange() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let storeLoop = try #require(root.loopDevices().first)
            let stacked = try root.sh("losetup -f --show -r '\(storeLoop)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(stacked) 2>/dev/null || true") }
            let before = root.snapshot()
            for arguments in [["teardown", "--dry-run"], ["teardown"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1, "\(arguments): \(run.stdout)\(run.stderr)")
                #expect(run.stderr.contains("refusing: \(stacked) (a loop device over \(storeLoop), the store's image's loop device) holds the image's loop device bound, so teardown could not detach it and would stop halfway, after the unmount; nothing was changed: losetup -d \(stacked) if nothing uses it, then re-run"),
                        "\(arguments): \(run.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
            }
            #expect(try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines) == storeLoop)
            _ = try root.sh("losetup -d \(stacked)")
            let again = try root.dockstore(["teardown"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        }
    }

    /// Attack 36 W 2d, 2e: loop devices stacked two deep. The refusal named only the middle one,
    /// and detaching it freed nothing (the top one holds it bound): the same refusal came back.
    /// Both are named now, the top one first, in the order the kernel lets them go; doing what it
    /// says and re-running finishes. The same holds with --delete-image.
    @Test(arguments: [false, true])
    func loopDevicesStackedTwoDeepAreNamedTopFirst(deleteImage: Bool) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let storeLoop = try #require(root.loopDevices().first)
            let middle = try root.sh("losetup -f --show -r '\(storeLoop)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(middle) 2>/dev/null || true") }
            let top = try root.sh("losetup -f --show -r '\(middle)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(top) 2>/dev/null || true") }
            let before = root.snapshot()
            let what = "\(middle) (a loop device over \(storeLoop), the store's image's loop device, with \(top) stacked on it)"
            let remedy = "losetup -d \(top), then losetup -d \(middle)"
            let expected = deleteImage
                ? "refusing to delete \(root.image): \(what) holds it bound, so it cannot be detached; nothing was changed: \(remedy), then re-run"
                : "refusing: \(what) holds the image's loop device bound, so teardown could not detach it and would stop halfway, after the unmount; nothing was changed: \(remedy) if nothing uses them, then re-run"
            let arguments = ["teardown"] + (deleteImage ? ["--delete-image"] : [])
            for run in [arguments + ["--dry-run"], arguments] {
                let result = try root.dockstore(run)
                #expect(result.status == ExitStatus.refused.rawValue && result.stderr == "dockstore: \(expected)\n", "\(run): \(result.stdout)\(result.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(run): \(root.changes(since: before))")
            }
            _ = try root.sh(remedy.replacingOccurrences(of: ", then ", with: " && "))
            let again = try root.dockstore(arguments)
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(FileManager.default.fileExists(atPath: root.image) == !deleteImage)
            #expect(root.loopDevices().isEmpty, "\(root.loopDevices())")
        }
    }

    /// Attack 35 Z W1: --wipe-device wiped a device store's volume while a process held it open
    /// (a dd, a backup reading it), and said nothing. Refused before any change, naming the
    /// process; with the process gone the wipe goes through.
    @Test func wipeDeviceRefusesADeviceAProcessHoldsOpen() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let provision = try root.dockstore(["provision", "--device", disk])
            try #require(provision.status == 0, "\(provision.stdout)\(provision.stderr)")
            let holder = try Holder(disk)
            defer { holder.stop() }
            let before = root.snapshot()
            let edges = try root.ends(disk)
            let run = try root.dockstore(["teardown", "--wipe-device"])
            #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr == "dockstore: refusing to wipe \(disk): \(disk) is open in process \(holder.process.processIdentifier) (sleep) (fuser -v \(disk)); nothing was changed: end that use and re-run teardown --wipe-device\n", "\(run.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(try root.ends(disk) == edges, "DATA: the volume's first and last MiB are unchanged")
            holder.stop()
            let again = try root.dockstore(["teardown", "--wipe-device"])
            #expect(again.status == 0 && again.stdout.contains("[wipe-device]"), "\(again.stdout)\(again.stderr)")
            #expect(try root.blkid(disk) == "", "wiped")
        }
    }
}
