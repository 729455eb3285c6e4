import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Outside attack 12, B13: the device error record is shared by every check on the host; the
/// per-minute textfile timer recorded a rise, and NRPE's `dockstore check` a minute later read
/// "none new since the last check" (WARNING), so Nagios never reached a HARD CRITICAL. Now the
/// record keeps when a check first saw the rise, and every check reading it says CRITICAL for
/// `--error-hold` (24h) from then; after the hold WARNING, after `btrfs device stats -z` OK.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct CheckDeviceErrorHoldIntegrationTests {
    /// Real corruption errors: bytes of a file overwritten in the image under btrfs, then read.
    static func corrupt(_ root: TestRoot) throws {
        try root.sh("python3 -c 'import sys; sys.stdout.buffer.write(b\"DOCKSTORE-HOLD\" * 8000)' > \(root.mountpoint)/victim && sync && btrfs filesystem sync \(root.mountpoint)")
        let offset = try #require(Int(try root.sh("grep -obUa DOCKSTORE-HOLD \(root.image) | head -1 | cut -d: -f1").trimmingCharacters(in: .whitespacesAndNewlines)))
        try root.sh("printf XXXXXXXX | dd of=\(root.image) bs=1 seek=\(offset) conv=notrunc status=none && sync && echo 1 > /proc/sys/vm/drop_caches")
        #expect(try root.run("/bin/cat", [root.mountpoint + "/victim"]).status != 0, "the read fails its checksum")
    }

    /// `2026-12-02 01:46 UTC`, as check's messages give a time.
    static func utc(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    static func deviceErrors(_ json: String) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let reasons = try #require(object["reasons"] as? [[String: Any]])
        return reasons.filter { $0["figure"] as? String == "device_errors" }
    }

    @Test func everyConsumerSeesTheRiseUntilTheHoldEndsOrAReset() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("mkdir -p \(root.path)/tf")
            try Self.corrupt(root)
            let record = root.path + DeviceErrorLedger.defaultPath.string
            let textfile = root.path + "/tf/dockstore.prom"
            let label = "mountpoint=\"\(root.mountpoint)\""

            // The timer's run sees the rise first and records it, with its time.
            let before = Date().timeIntervalSince1970.rounded(.down)
            let timer = try root.dockstore(["check", "--format", "prometheus", "--textfile", "/tf"])
            #expect(timer.status == 2, "\(timer.stdout)")
            #expect(root.read(textfile)?.contains("dockstore_status{\(label),reason=\"device_errors\"} 2\n") == true, "\(root.read(textfile) ?? "")")
            let seen = try #require(root.read(record))
            let line = try #require(seen.split(separator: "\n").first { !$0.hasPrefix("#") }, "\(seen)")
            let rose = try #require(line.split(separator: " ").last.flatMap { $0.hasPrefix("rose=") ? Double($0.dropFirst(5)) : nil }, "\(seen)")
            #expect(rose >= before && rose <= Date().timeIntervalSince1970, "\(seen)")

            // NRPE's run, and Nagios's re-checks: still CRITICAL, the record left as it was.
            for _ in 0..<2 {
                let nrpe = try root.dockstore(["check", "--format", "json"])
                #expect(nrpe.status == 2, "\(nrpe.stdout)")
                let reasons = try Self.deviceErrors(nrpe.stdout)
                #expect(reasons.count == 1 && reasons.first?["state"] as? Int == 2, "\(reasons)")
                #expect((reasons.first?["message"] as? String)?.contains("rising since \(Self.utc(rose)) (CRITICAL for --error-hold 24h after a rise)") == true, "\(reasons)")
            }
            let nagios = try root.dockstore(["check"])
            #expect(nagios.status == 2 && nagios.stdout.hasPrefix("DOCKSTORE CRITICAL - device /dev/loop"), "\(nagios.stdout)")
            #expect(root.read(record) == seen, "judging a held rise writes nothing")

            // After the hold: WARNING, none new since the rise.
            let held0 = try root.dockstore(["check", "--error-hold", "0"])
            #expect(held0.status == 1 && held0.stdout.contains("none new since \(Self.utc(rose))"), "\(held0.stdout)")
            Thread.sleep(forTimeInterval: 2.2)
            let held1 = try root.dockstore(["check", "--format", "prometheus", "--textfile", "/tf", "--error-hold", "1s"])
            #expect(held1.status == 1, "\(held1.stdout)")
            #expect(root.read(textfile)?.contains("dockstore_status{\(label),reason=\"device_errors\"} 1\n") == true, "\(root.read(textfile) ?? "")")
            #expect(try root.dockstore(["check", "--error-hold", "24h"]).status == 2, "the default hold, still within it")
            let bad = try root.dockstore(["check", "--error-hold", "1w"])
            #expect(bad.status == 3 && bad.stdout.hasPrefix("DOCKSTORE UNKNOWN - --error-hold '1w' is not a time span"), "\(bad.stdout)")

            // A reset: OK at once for every consumer, the zeros recorded without a time.
            try root.sh("btrfs device stats -z \(root.mountpoint) >/dev/null")
            let timerAfter = try root.dockstore(["check", "--format", "prometheus", "--textfile", "/tf"])
            #expect(timerAfter.status == 0, "\(timerAfter.stdout)")
            let zeros = try #require(root.read(record))
            #expect(zeros.hasSuffix("/1 write_errs=0 read_errs=0 flush_errs=0 corruption_errs=0 generation_errs=0\n"), "\(zeros)")
            let nrpeAfter = try root.dockstore(["check", "--format", "json"])
            let reasonsAfter = try Self.deviceErrors(nrpeAfter.stdout)
            #expect(nrpeAfter.status == 0 && reasonsAfter.isEmpty, "\(nrpeAfter.stdout)")
        }
    }
}
