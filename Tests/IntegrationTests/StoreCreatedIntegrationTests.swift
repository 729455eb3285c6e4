import DockStoreCore
import Foundation
import Testing

/// Attack 14, Y-MON-3: a store whose scrub never ran (a timer never enabled, a unit skipped for
/// a store mounted elsewhere) must become overdue some time. check gives the time the store's
/// btrfs was made, `dockstore_store_created_timestamp_seconds`, which the shipped rules
/// DockstoreNeverScrubbed and DockstoreNeverReclaimed count from (their promtool tests are in
/// scripts/prometheus/dockstore.rules.days.test.yml).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StoreCreatedIntegrationTests {
    func created(_ root: TestRoot, _ extra: [String] = []) throws -> String {
        let prom = try root.dockstore(["check", "--format", "prometheus"] + extra)
        let line = try #require(prom.stdout.split(separator: "\n").first { $0.hasPrefix("dockstore_store_created_timestamp_seconds{") },
                                "\(prom.stdout)")
        return String(line.split(separator: " ").last ?? "")
    }

    @Test func aBtrfsStoreSaysWhenMkfsMadeIt() throws {
        try withTestRoot { root in
            let before = Int(Date().timeIntervalSince1970)
            try #require(try root.dockstore(["provision", "--size", "600M"]).status == 0)
            let after = Int(Date().timeIntervalSince1970)
            let value = try #require(Int(try created(root)), "a number")
            #expect(value >= before && value <= after, "\(value) not within \(before)...\(after)")
            // coreutils' stat reads the same statx birth time; btrfs-progs the FS tree's creation time
            let oracle = try root.run("/usr/bin/stat", ["-c", "%W", root.mountpoint])
            #expect(oracle.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(value))
            // a file made later does not move it: it is the top folder's, not the newest file's
            try root.sh("sleep 1.1; mkdir \(root.mountpoint)/later")
            #expect(try created(root) == String(value))
            // counted from the later of this and the boot (attack 17, P1): the kernel's btime
            let btime = try String(contentsOfFile: "/proc/stat", encoding: .utf8).split(separator: "\n")
                .first { $0.hasPrefix("btime ") }.map { String($0.dropFirst(6)) }
            let prom = try root.dockstore(["check", "--format", "prometheus"]).stdout
            #expect(prom.contains("dockstore_host_boot_timestamp_seconds{mountpoint=\"\(root.mountpoint)\"} \(try #require(btime))\n"), "\(prom)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(json.stdout.contains("\"storeCreated\":\(value)") || json.stdout.contains("\"storeCreated\" : \(value)"), "\(json.stdout)")
        }
    }

    @Test func anExt4StoreHasNoScrubSoNoCreationTime() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 300)
            try #require(try root.dockstore(["provision", "--device", disk, "--fs", "ext4"]).status == 0)
            #expect(try created(root) == "NaN")
            #expect(try root.dockstore(["check", "--format", "prometheus"]).stdout.contains("dockstore_host_boot_timestamp_seconds{mountpoint=\"\(root.mountpoint)\"} NaN"))
        }
    }
}
