@testable import DockStoreCore
import Foundation
import Testing

/// Attack 20, E-F1: another root on the same kernel detached one of its own loop devices while a
/// boot's provision read `/sys/block/loopN/loop/backing_file`; the read failed with ENODEV and
/// provision exited 1 (a sound store not mounted, Docker down). A loop device detached while it
/// is read is unbound, as a read a moment later says. Here a shell attaches and detaches a loop
/// device over a file of the test root as fast as it can while dockstore's scans of every loop
/// device run: none may fail. The raw reads beside them count how often the race was reached.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct LoopDetachRaceIntegrationTests {
    @Test func aLoopDeviceDetachedWhileItIsReadIsUnbound() throws {
        try withTestRoot { root in
            let file = root.path + "/churn.img"
            _ = try root.sh("truncate -s 16M '\(file)'")
            let churn = Process()
            churn.executableURL = URL(fileURLWithPath: "/bin/sh")
            churn.arguments = ["-c", "end=$(($(date +%s) + 6)); while [ $(date +%s) -lt $end ]; do d=$(losetup -f --show \"$0\") && losetup -d \"$d\"; done", file]
            try churn.run()
            defer { if churn.isRunning { churn.terminate() }; churn.waitUntilExit() }
            var scans = 0, failures: [String] = [], rawRaces = 0
            while churn.isRunning {
                do {
                    _ = try LoopDevice.loops(overBlockDevices: [], node: nil)
                    for name in (FolderEntries.names("/sys/block") ?? []) where name.hasPrefix("loop") {
                        _ = try LoopDevice.sysfsBackingFile(name, sysBlock: "/sys/block")
                        do {
                            _ = try FileContents.readString("/sys/block/\(name)/loop/backing_file")
                        } catch let error as DockStoreError where error.code == ENODEV || error.code == ENXIO {
                            rawRaces += 1
                        }
                    }
                } catch {
                    failures.append("\(error)")
                }
                scans += 1
            }
            #expect(failures.isEmpty, "\(failures.count) of \(scans) scans failed: \(failures.prefix(3))")
            #expect(scans > 10, "only \(scans) scans ran while the loop device churned")
            print("loop-detach race: \(scans) scans, \(rawRaces) raw reads met a device detached while read, \(failures.count) scans failed")
            reliability("loop device detached while read", cases: 1, runs: scans)
        }
    }
}
