import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Orphaned subvolumes of Docker's btrfs driver next to a real dockerd's images and
/// containers: what an interrupted pull or a crash leaves is found, deleted only when that
/// is provably safe, and every image and container still starts afterwards.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct OrphanIntegrationTests {
    static func hex(_ c: Character) -> String { String(repeating: c, count: 64) }

    @Test(.enabled(if: hasDockerd, Comment(rawValue: needsDockerd)))
    func deletesOnlyWhatIsProvablyOrphanedWhileDockerdRuns() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "2G"]).status == 0)
            let subvolumes = root.mountpoint + "/btrfs/subvolumes"
            let layerdb = root.mountpoint + "/image/btrfs/layerdb"
            do {
                let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
                let daemon = try #require(started, "dockerd did not start: \(log)")
                defer { daemon.stop() }
                try daemon.importBusybox()
                #expect(try daemon.docker(["run", "-d", "--name", "runner", "--network", "none", "busybox:test", "/bin/busybox", "sleep", "3600"]).status == 0)
                #expect(try daemon.docker(["run", "--name", "stopped", "--network", "none", "busybox:test", "/bin/busybox", "sh", "-c", "echo kept > /mark"]).status == 0)
            }
            let live = Set(try FileManager.default.contentsOfDirectory(atPath: subvolumes))
            #expect(live.count == 5, "one layer, two containers with their init layers: \(live.sorted())")
            let layer = try #require(live.first { !$0.hasSuffix("-init") && root.read("\(layerdb)/sha256/\((try? FileManager.default.contentsOfDirectory(atPath: layerdb + "/sha256"))?.first ?? "")/cache-id") == $0 })

            // What a crash or an interrupted pull leaves, made while dockerd is stopped.
            let (empty, half, nested, initOnly, fresh) = (Self.hex("a"), Self.hex("b"), Self.hex("c"), Self.hex("d") + "-init", Self.hex("e"))
            _ = try root.sh("""
                btrfs -q subvolume create \(subvolumes)/\(empty)
                btrfs -q subvolume snapshot \(subvolumes)/\(layer) \(subvolumes)/\(half)
                head -c 300000 /dev/urandom > \(subvolumes)/\(half)/partial-blob
                btrfs -q subvolume create \(subvolumes)/\(nested)
                btrfs -q subvolume create \(subvolumes)/\(nested)/inner
                btrfs -q subvolume create \(subvolumes)/\(initOnly)
                btrfs -q subvolume create \(subvolumes)/buildkitsnap01
                mkdir -p \(layerdb)/tmp/write-set-123 && echo sha256:x > \(layerdb)/tmp/write-set-123/diff
                """)
            sleep(3) // older than the next dockerd's start by more than the margin

            let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let daemon = try #require(started, "dockerd did not start: \(log)")
            defer { daemon.stop() }
            // A pull in progress right now: nothing refers to it yet, and it is younger than dockerd.
            _ = try root.sh("btrfs -q subvolume create \(subvolumes)/\(fresh)")

            let status = try root.dockstore(["status", "--json"])
            #expect(status.stdout.contains("\"count\" : 5"), "\(status.stdout)")
            let check = try root.dockstore(["check", "--format", "prometheus"])
            #expect(check.stdout.contains("dockstore_orphan_subvolumes{mountpoint=\"\(root.mountpoint)\"} 5\n"), "\(check.stdout)")

            let before = try FileManager.default.contentsOfDirectory(atPath: subvolumes).sorted()
            let dry = try root.dockstore(["reclaim", "--orphans", "--dry-run"])
            #expect(dry.status == 2, "the fresh one cannot be proven unused: \(dry.stdout)\(dry.stderr)")
            for name in [empty, half, nested, initOnly] { #expect(dry.stdout.contains("would delete \(subvolumes)/\(name)\n"), "\(name): \(dry.stdout)") }
            #expect(dry.stdout.contains("kept \(subvolumes)/\(fresh): created after dockerd"), "\(dry.stdout)")
            #expect(dry.stdout.contains("leave \(subvolumes)/buildkitsnap01"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: subvolumes).sorted() == before, "a dry run changes nothing")

            let reclaim = try root.dockstore(["reclaim", "--orphans"])
            #expect(reclaim.status == 2, "\(reclaim.stdout)\(reclaim.stderr)")
            for name in [empty, half, nested, initOnly] { #expect(reclaim.stdout.contains("deleted \(subvolumes)/\(name)\n"), "\(name): \(reclaim.stdout)") }
            #expect(reclaim.stderr.contains("1 orphan candidate(s) kept"), "\(reclaim.stderr)")
            let after = Set(try FileManager.default.contentsOfDirectory(atPath: subvolumes))
            #expect(after == live.union([fresh, "buildkitsnap01"]), "\(after.sorted())")

            // Every image and container still starts.
            #expect(try daemon.docker(["start", "runner"]).status == 0)
            let stopped = try daemon.docker(["start", "-a", "stopped"])
            #expect(stopped.status == 0, "\(stopped.stderr)")
            let mark = try daemon.docker(["exec", "runner", "/bin/busybox", "true"])
            #expect(mark.status == 0, "\(mark.stderr)")
            let fresh2 = try daemon.docker(["run", "--rm", "--network", "none", "busybox:test", "/bin/busybox", "echo", "ok"])
            #expect(fresh2.stdout == "ok\n", "\(fresh2.stderr)")
            daemon.stop()

            // With dockerd stopped the young one is provably unused too.
            let stoppedRun = try root.dockstore(["reclaim", "--orphans"])
            #expect(stoppedRun.status == 0, "\(stoppedRun.stdout)\(stoppedRun.stderr)")
            #expect(stoppedRun.stdout.contains("deleted \(subvolumes)/\(fresh)\n"))
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: subvolumes)) == live.union(["buildkitsnap01"]))
            let again = try root.dockstore(["reclaim", "--orphans"])
            #expect(again.status == 0 && again.stdout.contains("no orphans: nothing to do"), "\(again.stdout)")

            let (restarted, log2) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let second = try #require(restarted, "dockerd did not start: \(log2)")
            defer { second.stop() }
            let rerun = try second.docker(["start", "-a", "stopped"])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try second.docker(["start", "runner"]).status == 0)
        }
    }

    /// A layer store dockstore cannot read: nothing is an orphan, nothing is deleted, and the
    /// refusal says why.
    @Test func unreadableLayerStoreDeletesNothing() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let subvolumes = root.mountpoint + "/btrfs/subvolumes"
            let layerdb = root.mountpoint + "/image/btrfs/layerdb"
            let orphan = Self.hex("a")
            _ = try root.sh("""
                mkdir -p \(subvolumes) \(layerdb)/sha256/\(Self.hex("f")) \(layerdb)/mounts
                btrfs -q subvolume create \(subvolumes)/\(orphan)
                btrfs -q subvolume create \(subvolumes)/\(Self.hex("b"))
                echo \(Self.hex("b")) > \(root.path)/elsewhere
                ln -s \(root.path)/elsewhere \(layerdb)/sha256/\(Self.hex("f"))/cache-id
                """)
            for arguments in [["reclaim", "--orphans"], ["reclaim", "--orphans", "--dry-run"]] {
                let result = try root.dockstore(arguments)
                #expect(result.status == 2, "\(arguments): \(result.stdout)\(result.stderr)")
                #expect(result.stderr.contains("cannot tell which subvolumes Docker still uses: cannot read \(layerdb)/sha256/\(Self.hex("f"))/cache-id"), "\(result.stderr)")
                #expect(!result.stdout.contains("delete"), "\(result.stdout)")
            }
            #expect(FileManager.default.fileExists(atPath: "\(subvolumes)/\(orphan)"))
            let check = try root.dockstore(["check", "--format", "json"])
            #expect(check.status == 0, "an uncountable orphan tally is no finding: \(check.stdout)")
            #expect(check.stdout.contains("\"unreadable\" : \"cannot tell which subvolumes"), "\(check.stdout)")
            let prom = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_orphan_subvolumes{mountpoint=\"\(root.mountpoint)\"} NaN\n"))
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("orphans:     cannot tell: cannot tell which subvolumes"), "\(status.stdout)")

            // Fixed, the one orphan goes and the referenced subvolume stays.
            _ = try root.sh("rm \(layerdb)/sha256/\(Self.hex("f"))/cache-id && echo \(Self.hex("b")) > \(layerdb)/sha256/\(Self.hex("f"))/cache-id")
            let fixed = try root.dockstore(["reclaim", "--orphans"])
            #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: subvolumes) == [Self.hex("b")])
        }
    }

    /// The cases an outside attack found: the folders leading to the subvolumes or the layer
    /// store replaced by links, an id in a form moby never writes, something mounted inside
    /// an orphan or the store mounted a second time, and a dockerd whose data root is given
    /// relative to its working folder. Each deletes nothing it should not.
    @Test func attacksOnTheLayerStoreDeleteNothing() throws {
        let cases: [(String, String, String)] = [
            // (name, setup with $M the store and $R the root, the subvolume that must survive)
            ("subvolumes folder linked to another btrfs",
             "mkdir $R/victim && truncate -s 300M $R/victim.img && mkfs.btrfs -q $R/victim.img && mount -o loop $R/victim.img $R/victim && btrfs -q subvolume create $R/victim/\(Self.hex("c")) && echo precious > $R/victim/\(Self.hex("c"))/f && mv $M/btrfs/subvolumes $M/btrfs/subvolumes.real && ln -s $R/victim $M/btrfs/subvolumes",
             "$R/victim/\(Self.hex("c"))/f"),
            // The sixth attack: moby's quota file of an orphan goes with it; through a linked
            // quotas folder that deleted a file outside --root.
            ("quotas folder linked to a folder outside the store",
             "btrfs -q subvolume create $M/btrfs/subvolumes/\(Self.hex("c")) && mkdir $R/outside && echo precious > $R/outside/\(Self.hex("c")) && ln -s $R/outside $M/btrfs/quotas",
             "$R/outside/\(Self.hex("c"))"),
            ("layer store linked to an empty folder",
             "mkdir $R/empty && mv $M/image/btrfs/layerdb $M/image/btrfs/layerdb.real && ln -s $R/empty $M/image/btrfs/layerdb",
             "$M/btrfs/subvolumes/\(Self.hex("a"))/f"),
            ("a cache-id in capitals", "echo \(Self.hex("A")) > $M/image/btrfs/layerdb/sha256/\(Self.hex("1"))/cache-id",
             "$M/btrfs/subvolumes/\(Self.hex("a"))/f"),
            ("something mounted inside an orphan",
             "btrfs -q subvolume create $M/btrfs/subvolumes/\(Self.hex("b")) && mkdir $M/btrfs/subvolumes/\(Self.hex("b"))/x && mount -t tmpfs t $M/btrfs/subvolumes/\(Self.hex("b"))/x && echo live > $M/btrfs/subvolumes/\(Self.hex("b"))/x/f",
             "$M/btrfs/subvolumes/\(Self.hex("b"))/x/f"),
            ("a folder of an orphan bind-mounted elsewhere",
             "btrfs -q subvolume create $M/btrfs/subvolumes/\(Self.hex("e")) && mkdir -p $M/btrfs/subvolumes/\(Self.hex("e"))/nested $R/mnt && echo live > $M/btrfs/subvolumes/\(Self.hex("e"))/nested/f && mount --bind $M/btrfs/subvolumes/\(Self.hex("e"))/nested $R/mnt",
             "$M/btrfs/subvolumes/\(Self.hex("e"))/nested/f"),
            ("a dockerd with a relative --data-root",
             // Its fake dockerd (started below, in $M/..) is held as a Process: a shell that
             // backgrounded it kept sh() waiting until its sleep ended (the child held what tells
             // Foundation the shell exited), so reclaim ran once the fake dockerd had exited.
             "sleep 1 && btrfs -q subvolume create $M/btrfs/subvolumes/\(Self.hex("d")) && echo pulling > $M/btrfs/subvolumes/\(Self.hex("d"))/f",
             "$M/btrfs/subvolumes/\(Self.hex("d"))/f"),
        ]
        for (name, setup, survivor) in cases {
            try withTestRoot { root in
                try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
                let env = "R=\(root.path); M=\(root.mountpoint)"
                try root.sh("""
                    \(env); mkdir -p $M/btrfs/subvolumes $M/image/btrfs/layerdb/sha256/\(Self.hex("1")) $M/image/btrfs/layerdb/mounts && \
                    echo \(Self.hex("a")) > $M/image/btrfs/layerdb/sha256/\(Self.hex("1"))/cache-id && \
                    btrfs -q subvolume create $M/btrfs/subvolumes/\(Self.hex("a")) && echo layer > $M/btrfs/subvolumes/\(Self.hex("a"))/f
                    """)
                var fake: Process? = nil
                defer {
                    if let fake {
                        if fake.isRunning { kill(fake.processIdentifier, SIGKILL) }
                        fake.waitUntilExit()
                    }
                }
                if name.contains("dockerd") {
                    // One process named dockerd, no child: SIGKILL ends all of it.
                    try root.write(root.path + "/bin/dockerd", "#!/usr/bin/python3\nimport time\ntime.sleep(600)\n")
                    try root.sh("chmod +x \(root.path)/bin/dockerd")
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: root.path + "/bin/dockerd")
                    process.arguments = ["--data-root", "docker"]
                    process.currentDirectoryURL = URL(fileURLWithPath: root.path + "/var/lib")
                    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
                    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
                    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
                    try process.run()
                    fake = process
                }
                try root.sh("\(env); \(setup)")
                let result = try root.dockstore(["reclaim", "--orphans"])
                #expect(result.status == 2, "\(name): \(result.stdout) \(result.stderr)")
                #expect(result.stderrLines.count <= 1, "\(name): \(result.stderr)")
                #expect(try root.sh("\(env); cat \(survivor)").isEmpty == false, "DATA: \(name): \(survivor) was deleted")
                if let fake { #expect(fake.isRunning && result.stderr.contains("pid \(fake.processIdentifier)"), "\(name): its fake dockerd ran and was named: \(result.stderr)") }
            }
        }
        reliability("reclaim --orphans attacks", cases: cases.count, runs: cases.count)
    }

    /// The maintenance records reach check: a scrub that found uncorrectable errors is
    /// CRITICAL, a failed reclaim WARNING, an unreadable record UNKNOWN.
    @Test func checkJudgesTheMaintenanceRecords() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let uuid = try root.sh("blkid -s UUID -o value \(root.image)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try root.dockstore(["check"]).status == 0)
            // A real scrub by btrfs-progs writes the status file check reads. It always writes
            // to /var/lib/btrfs: in a mount namespace of its own, that is the root's var/lib.
            _ = try root.sh("mkdir -p \(root.path)/var/lib/btrfs && unshare -m --propagation private sh -c 'mount --bind \(root.path)/var/lib /var/lib && btrfs scrub start -B \(root.mountpoint) >/dev/null'")
            let written = try #require(root.read("\(root.path)/var/lib/btrfs/scrub.status.\(uuid)"), "btrfs-progs wrote its status file")
            let clean = try root.dockstore(["check", "--format", "prometheus"])
            #expect(clean.status == 0, "\(clean.stdout)")
            #expect(clean.stdout.contains("dockstore_last_scrub_errors{mountpoint=\"\(root.mountpoint)\"} 0\n"))
            #expect(!clean.stdout.contains("dockstore_last_scrub_timestamp_seconds{mountpoint=\"\(root.mountpoint)\"} NaN"))

            try root.write("\(root.path)/var/lib/btrfs/scrub.status.\(uuid)",
                           written.replacingOccurrences(of: "|uncorrectable_errors:0|", with: "|uncorrectable_errors:4|").replacingOccurrences(of: "|csum_errors:0|", with: "|csum_errors:4|"))
            let bad = try root.dockstore(["check"])
            #expect(bad.status == 2, "\(bad.stdout)")
            #expect(bad.stdout.contains("found 4 error(s), 0 corrected, 4 uncorrectable"), "\(bad.stdout)")

            try root.write("\(root.path)/var/lib/btrfs/scrub.status.\(uuid)", written)
            try root.write("\(root.path)/var/lib/dockstore/last-reclaim.json",
                           #"{"finished": 1764470000, "outcome": "failed", "chunksRelocated": 0, "unallocatedBefore": 0, "unallocatedAfter": 0}"#)
            let failed = try root.dockstore(["check"])
            #expect(failed.status == 1, "\(failed.stdout)")
            #expect(failed.stdout.contains("the last dockstore reclaim (2025-11-30 02:33 UTC) failed"), "\(failed.stdout)")

            try root.write("\(root.path)/var/lib/dockstore/last-reclaim.json", "{\"finished\": 1}")
            let unreadable = try root.dockstore(["check"])
            #expect(unreadable.status == 3, "\(unreadable.stdout)")
            #expect(unreadable.stdout.contains("cannot read the last reclaim record \(root.path)/var/lib/dockstore/last-reclaim.json"), "\(unreadable.stdout)")
        }
    }
}
