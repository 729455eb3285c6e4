import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dockstore check` on real btrfs, with btrfs-progs, df and stat as oracles, and
/// filled until writes really fail.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct CheckIntegrationTests {
    static func field(_ text: String, _ label: String) -> UInt64? {
        for line in text.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix(label) {
            let rest = line.split(separator: ":", maxSplits: 1).last ?? ""
            return UInt64(rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func agreesWithBtrfsProgsDfAndStat() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "2G"]).status == 0)
            try root.sh("dd if=/dev/urandom of=\(root.mountpoint)/blob bs=1M count=300 status=none && sync && btrfs filesystem sync \(root.mountpoint)")
            let result = try root.dockstore(["check", "--format", "json"])
            #expect(result.status == 0, "\(result.stdout)")
            let report = try Self.json(result.stdout)
            let figures = try #require(report["figures"] as? [String: Any])
            let usage = try root.sh("btrfs filesystem usage -b \(root.mountpoint)")
            #expect((figures["unallocated"] as? NSNumber)?.uint64Value == Self.field(usage, "Device unallocated:"))
            #expect((figures["dataFree"] as? NSNumber)?.uint64Value == Self.field(usage, "Free (estimated):"))
            #expect((figures["deviceSize"] as? NSNumber)?.uint64Value == Self.field(usage, "Device size:"))
            let host = try #require(figures["host"] as? [String: Any])
            let stat = try root.sh("stat -c '%s %b' \(root.image)").split(separator: " ").compactMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            #expect((host["apparentBytes"] as? NSNumber)?.uint64Value == stat[0])
            #expect((host["allocatedBytes"] as? NSNumber)?.uint64Value == stat[1] * 512)
            let df = try root.sh("df -B1 --output=avail \(root.path)/var/lib | tail -1").trimmingCharacters(in: .whitespacesAndNewlines)
            let available = try #require(UInt64(df))
            let ours = try #require((host["hostAvailableBytes"] as? NSNumber)?.uint64Value)
            #expect(ours > available - (64 << 20) && ours < available + (64 << 20), "host free \(ours) vs df \(available)")

            // Attack 31 Q C2: the figures check judges that are derived from the read ones are in
            // the JSON too, with the values the Nagios perfdata and the Prometheus metrics carry.
            let nagios = try root.dockstore(["check"]).stdout
            let prometheus = try root.dockstore(["check", "--format", "prometheus"]).stdout
            for (key, label, metric) in [("metadataFree", "metadata_free", "dockstore_metadata_free_bytes"),
                                         ("effectiveFree", "effective_free", "dockstore_effective_free_bytes")] {
                let value = try #require((figures[key] as? NSNumber)?.uint64Value, "\(key) in \(result.stdout)")
                #expect(nagios.contains("'\(label)'=\(value)B;"), "\(key) \(value): \(nagios)")
                #expect(prometheus.contains("\(metric){mountpoint=\"\(root.mountpoint)\"} \(value)\n"), "\(key) \(value): \(prometheus)")
            }
        }
    }

    @Test func runsWithoutRootAndWithoutChildren() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("chmod 755 \(root.path)")
            let asRoot = try root.dockstore(["check", "--format", "json"])
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary,
                                                            "check", "--format", "json", "--root", root.path])
            #expect(nobody.status == 0, "\(nobody.stdout) \(nobody.stderr)")
            let a = try #require(try Self.json(asRoot.stdout)["figures"] as? [String: Any])
            let b = try #require(try Self.json(nobody.stdout)["figures"] as? [String: Any])
            #expect((a["dataFree"] as? NSNumber) == (b["dataFree"] as? NSNumber))
            #expect((a["metadataUsed"] as? NSNumber) == (b["metadataUsed"] as? NSNumber))
            #expect(b["host"] != nil, "the image is found through sysfs, without opening the loop device")
            // No child processes: strace is not needed; the binary has no spawn on this path.
            // (AddressSanitizer re-execs the binary itself, and LeakSanitizer's exit-time check
            // clones a CLONE_UNTRACED helper: neither is a process dockstore starts.)
            let traced = try root.run("/bin/sh", ["-c", "command -v strace >/dev/null && strace -f -e trace=execve,clone,clone3,fork,vfork -o \(root.path)/trace \(TestRoot.binary) check --root \(root.path) >/dev/null; cat \(root.path)/trace 2>/dev/null | grep -E 'clone|fork|execve' | grep -vF 'execve(\"\(TestRoot.binary)\"' | grep -v -e CLONE_THREAD -e CLONE_UNTRACED | grep -c . || true"])
            let calls = Int(traced.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(calls == 0, "no process but itself: \(calls)")
        }
    }

    @Test func textfileIsWrittenAtomically() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("mkdir -p \(root.path)/prom")
            let result = try root.dockstore(["check", "--textfile", "/prom"])
            #expect(result.status == 0)
            let text = try #require(root.read(root.path + "/prom/dockstore.prom"))
            #expect(text.contains("dockstore_check_success{mountpoint=\"\(root.mountpoint)\"} 1"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + "/prom") == ["dockstore.prom"])
            let missing = try root.dockstore(["check", "--mountpoint", "/var/lib/nothing"])
            #expect(missing.status == 3)
            #expect(missing.stdout.hasPrefix("DOCKSTORE UNKNOWN - nothing is mounted at"))
        }
    }

    /// Writes 4 MiB files until a write fails, running the check after each; returns the
    /// states seen with the bytes written so far, and the bytes written when the write failed.
    func fill(_ root: TestRoot, folder: String, chunk: Int = 4 << 20, limit: Int = 4000,
              check: () throws -> CheckState) throws -> (states: [(CheckState, UInt64)], failedAt: UInt64?) {
        var states: [(CheckState, UInt64)] = [(try check(), 0)]
        var written: UInt64 = 0
        let block = [UInt8]((0..<chunk).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) })
        for n in 0..<limit {
            let path = "\(folder)/fill-\(n)"
            let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
            if fd < 0 { return (states, written) }
            var rc = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if rc == chunk { rc = fsync(fd) == 0 ? rc : -1 }
            close(fd)
            if rc != chunk { return (states, written) }
            written += UInt64(chunk)
            states.append((try check(), written))
        }
        return (states, nil)
    }

    func headroom(_ states: [(CheckState, UInt64)], _ state: CheckState, _ failedAt: UInt64) -> UInt64? {
        states.first(where: { $0.0 >= state && $0.0 != .unknown }).map { failedAt - $0.1 }
    }

    @Test func warnsAndAlarmsBeforeASmallStoreFills() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M", "--thick"]).status == 0)
            let policy = try CapacityPolicy()
            let (states, failedAt) = try fill(root, folder: root.mountpoint) {
                CapacityReport(figures: try CapacityProbe.read(mountpoint: root.mountpoint), policy: policy, timestamp: 0).state
            }
            let failed = try #require(failedAt, "the store never filled")
            #expect(states.first?.0 == .ok, "an empty store is OK")
            let warning = try #require(headroom(states, .warning, failed), "WARNING before the first failed write")
            let critical = try #require(headroom(states, .critical, failed), "CRITICAL before the first failed write")
            #expect(warning > critical)
            #expect(critical > 0)
            print("fill (a) 256 MiB store: failed after \(ByteSize.format(failed)); WARNING gave \(ByteSize.format(warning)), CRITICAL \(ByteSize.format(critical)) of head room")
        }
    }

    @Test func alarmsBeforeTheHostUnderAThinImageFills() throws {
        try withTestRoot { root in
            // A 400 MiB ext4 stands in for a small root volume; the thin image promises 2 GiB.
            let host = try root.attachDisk(megabytes: 400) { try root.sh("mkfs.ext4 -q -F '\($0)'") }
            try root.sh("mkdir -p \(root.path)/host && mount \(host) \(root.path)/host")
            let result = try root.dockstore(["provision", "--image", "/host/docker.btrfs", "--size", "2G"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("less than the"), "provision warns of the overcommit")
            let policy = try CapacityPolicy()
            var figures: [CapacityReport] = []
            let (states, failedAt) = try fill(root, folder: root.mountpoint) {
                let report = CapacityReport(figures: try CapacityProbe.read(mountpoint: root.mountpoint), policy: policy, timestamp: 0)
                figures.append(report)
                return report.state
            }
            let failed = try #require(failedAt)
            let critical = try #require(headroom(states, .critical, failed), "CRITICAL before the host filled")
            #expect(figures.contains { $0.reasons.contains { $0.figure == "host_free" && $0.state == .critical } })
            print("fill (b) 2 GiB thin image on a 400 MiB host: writes failed after \(ByteSize.format(failed)); CRITICAL (host) gave \(ByteSize.format(critical)) of head room")
            _ = try? root.sh("umount \(root.mountpoint)")
        }
    }

    @Test func seesMetadataExhaustionThatDfHides() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M", "--thick"]).status == 0)
            let policy = try CapacityPolicy()
            let probe = { try CapacityProbe.read(mountpoint: root.mountpoint) }
            // Fill with data so every chunk is allocated, then free most of it inside the data chunks.
            _ = try fill(root, folder: root.mountpoint) { .ok }
            // Every other file goes: the data chunks stay allocated, half empty, so df shows room.
            try root.sh("rm -f \(root.mountpoint)/fill-*[02468] && sync && btrfs filesystem sync \(root.mountpoint)")
            let before = try probe()
            #expect(before.unallocated < before.metadataChunkNeed, "no room for a new metadata chunk")
            // Many small files live in metadata (inline extents) until it runs out.
            var metadataAlarms: [(CheckState, UInt64)] = []
            var failedAt: UInt64? = nil
            let payload = [UInt8](repeating: 0x61, count: 2000)
            for n in 0..<400_000 {
                let fd = open("\(root.mountpoint)/small-\(n)", O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
                let ok = fd >= 0 && payload.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == payload.count
                if fd >= 0 { close(fd) }
                if !ok { failedAt = UInt64(n); break }
                if n % 250 == 0 {
                    let report = CapacityReport(figures: try probe(), policy: policy, timestamp: 0)
                    if let reason = report.reasons.first(where: { $0.figure == "metadata_free" }) {
                        metadataAlarms.append((reason.state, UInt64(n)))
                    }
                }
            }
            let failed = try #require(failedAt, "metadata never ran out")
            let atFailure = try probe()
            #expect(atFailure.dataFree > atFailure.dataCapacity / 5, "df still shows room: \(ByteSize.format(atFailure.dataFree)) free")
            let first = try #require(metadataAlarms.first, "the metadata rule fired before ENOSPC")
            #expect(first.0 == .warning || first.0 == .critical)
            let critical = try #require(metadataAlarms.first(where: { $0.0 == .critical }), "CRITICAL before ENOSPC")
            let freePercent = Double(atFailure.dataFree) * 100 / Double(max(1, atFailure.dataCapacity))
            let warnedBefore = failed - first.1
            let criticalBefore = failed - critical.1
            print("fill (c) metadata: ENOSPC after \(failed) small files while data free was \(ByteSize.format(atFailure.dataFree)) (\(Int(freePercent))%); the metadata rule warned \(warnedBefore) and went CRITICAL \(criticalBefore) files before")
            #expect(failed > critical.1)
        }
    }

    @Test func growsWhileAFileIsWritten() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let before = try CapacityProbe.read(mountpoint: root.mountpoint)
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/bin/dd")
            writer.arguments = ["if=/dev/zero", "of=\(root.mountpoint)/growing", "bs=1M", "count=300", "oflag=sync", "status=none"]
            try writer.run()
            let result = try root.dockstore(["grow", "--to", "1G"])
            writer.waitUntilExit()
            #expect(result.status == 0, "\(result.stderr)")
            #expect(writer.terminationStatus == 0, "the writer never saw an error")
            let after = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(after.deviceSize == 1 << 30)
            #expect(before.deviceSize == 512 << 20)
            let check = try root.dockstore(["check"])
            #expect(check.stdout.contains("DOCKSTORE OK") && check.stdout.contains("'unallocated'=") , "\(check.stdout)")
            #expect(check.stdout.contains(";0;1073741824 'host_free'"), "the check sees the new device size: \(check.stdout)")
            let again = try root.dockstore(["grow", "--to", "1G"])
            #expect(again.stdout.contains("nothing to do"))
            let shrink = try root.dockstore(["grow", "--to", "600M"])
            #expect(shrink.status == 2)
        }
    }
}
