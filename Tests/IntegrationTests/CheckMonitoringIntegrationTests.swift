import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dockstore check` as monitoring runs it (attack 11 B): as NRPE's user on a store dockerd has
/// made 0710, into a textfile when its settings or arguments are bad, over something else
/// mounted at the mountpoint.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct CheckMonitoringIntegrationTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func asNobody(_ root: TestRoot, _ arguments: [String]) throws -> RunResult {
        try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary]
            + arguments + ["--root", root.path])
    }

    /// B15: dockerd makes its data root 0710 root:root; NRPE's user may not open it, and check
    /// read the btrfs only through a descriptor of it (UNKNOWN, every figure NaN). statfs and
    /// /sys/fs/btrfs give the same figures without opening it.
    @Test func nonRootReadsAStoreDockerdMade0710() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("chmod 755 \(root.path) && dd if=/dev/urandom of=\(root.mountpoint)/blob bs=1M count=100 status=none && sync && chmod 0710 \(root.mountpoint)")
            let asRoot = try root.dockstore(["check", "--format", "json"])
            let nobody = try asNobody(root, ["check", "--format", "json"])
            #expect(asRoot.status == 0, "\(asRoot.stdout)")
            #expect(nobody.status == 0, "\(nobody.stdout) \(nobody.stderr)")
            let a = try #require(try Self.json(asRoot.stdout)["figures"] as? [String: Any])
            let b = try #require(try Self.json(nobody.stdout)["figures"] as? [String: Any])
            for key in ["uuid", "deviceSize", "unallocated", "dataSize", "dataUsed", "dataFree", "metadataSize", "metadataUsed", "globalReserve", "metadataChunkNeed"] {
                #expect(a[key] as? NSObject == b[key] as? NSObject, "\(key): root \(a[key] ?? "-") nobody \(b[key] ?? "-")")
            }
            let devices = try #require(b["devices"] as? [[String: Any]])
            #expect(devices.count == 1 && (devices.first?["path"] as? String)?.hasPrefix("/dev/loop") == true, "\(devices)")
            #expect(b["host"] != nil, "the image behind the loop device, from sysfs")
            let nagios = try asNobody(root, ["check"])
            #expect(nagios.status == 0 && nagios.stdout.hasPrefix("DOCKSTORE OK - "), "\(nagios.stdout)")
        }
    }

    /// B07: a bad settings file or argument was printed as UNKNOWN but the textfile kept the
    /// last run's OK; now every run rewrites it, under the label good runs use.
    /// Attack 42 Q F4: as NRPE's user on the 0710 data root, check read none of the data root's
    /// state (it cannot open it) and said OK on an immutable, append-only or read-only one. statx,
    /// mountinfo and access(2) tell them without opening it: the same verdict as root's.
    @Test(arguments: ["chattr +i", "chattr +a", "btrfs property set ro"])
    func nonRootSeesADataRootThatCannotBeWritten(_ how: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.sh("chmod 755 \(root.path) && chmod 0710 \(root.mountpoint)")
            #expect(try asNobody(root, ["check"]).status == 0, "a healthy store is OK for nobody too")
            let (set, unset, figure) = switch how {
            case "chattr +i": ("chattr +i", "chattr -i", "data_root_attribute")
            case "chattr +a": ("chattr +a", "chattr -a", "data_root_attribute")
            default: ("btrfs property set", "btrfs property set", "subvolume_read_only")
            }
            let suffix = how.hasPrefix("btrfs") ? " ro" : ""
            try root.sh("\(set) \(root.mountpoint)\(suffix)\(how.hasPrefix("btrfs") ? " true" : "")")
            defer { _ = try? root.sh("\(unset) \(root.mountpoint)\(suffix)\(how.hasPrefix("btrfs") ? " false" : "")") }
            let asRoot = try root.dockstore(["check", "--format", "json"])
            let nobody = try asNobody(root, ["check", "--format", "json"])
            #expect(asRoot.status == 2 && nobody.status == 2, "root \(asRoot.status), nobody \(nobody.status): \(nobody.stdout)\(nobody.stderr)")
            let reasons = try #require(try Self.json(nobody.stdout)["reasons"] as? [[String: Any]])
            #expect(reasons.contains { $0["figure"] as? String == figure }, "\(reasons)")
            #expect(try Self.json(asRoot.stdout)["reasons"] as? NSArray == Self.json(nobody.stdout)["reasons"] as? NSArray, "root and nobody disagree")
        }
    }

    @Test func textfileSaysUnknownForBadSettingsAndArguments() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("mkdir -p \(root.path)/tf")
            let good = try root.dockstore(["check", "--format", "prometheus", "--textfile", "/tf"])
            #expect(good.status == 0, "\(good.stdout)")
            let label = "mountpoint=\"\(root.mountpoint)\""
            let textfile = root.path + "/tf/dockstore.prom"
            #expect(root.read(textfile)?.contains("dockstore_status{\(label),reason=\"\"} 0") == true)
            func status(_ text: String?) -> [String] {
                (text ?? "").split(separator: "\n").filter { $0.hasPrefix("dockstore_status{") }.map(String.init)
            }
            let goodNames = Set((root.read(textfile) ?? "").split(separator: "\n").filter { $0.hasPrefix("# TYPE") }.map(String.init))
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_BOGUS=\"1\"\n")
            let bad = try root.dockstore(["check", "--format", "prometheus", "--textfile", "/tf"])
            #expect(bad.status == 3)
            #expect(status(root.read(textfile)) == ["dockstore_status{\(label),reason=\"store\"} 3"], "\(root.read(textfile) ?? "")")
            #expect(Set((root.read(textfile) ?? "").split(separator: "\n").filter { $0.hasPrefix("# TYPE") }.map(String.init)) == goodNames)
            #expect(status(bad.stdout) == status(root.read(textfile)))
            try root.sh("rm \(root.path)/etc/sysconfig/dockstore")
            #expect(try root.dockstore(["check", "--textfile", "/tf"]).status == 0)
            let argument = try root.dockstore(["check", "--textfile", "/tf", "-w", "bogus"])
            #expect(argument.status == 3 && argument.stdout.hasPrefix("DOCKSTORE UNKNOWN - "), "\(argument.stdout)")
            #expect(status(root.read(textfile)).first?.hasSuffix(" 3") == true, "\(root.read(textfile) ?? "")")
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") {
                let lint = try root.run("/bin/sh", ["-c", "/usr/bin/promtool check metrics < \(textfile)"])
                #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "promtool: \(lint.stdout) \(lint.stderr)")
            }
            // An unreadable settings file, as NRPE's user: the line names who ran.
            try root.sh("chmod 755 \(root.path) && printf 'DOCKSTORE_SIZE=\"1G\"\\n' > \(root.path)/etc/sysconfig/dockstore && chmod 600 \(root.path)/etc/sysconfig/dockstore")
            let nobody = try asNobody(root, ["check"])
            #expect(nobody.status == 3 && nobody.stdout.contains("Permission denied; check ran as uid 65534"), "\(nobody.stdout)")
        }
    }

    /// B14: a tmpfs at the mountpoint (Docker writing into RAM) was OK with the tmpfs's figures.
    @Test func anotherFilesystemAtTheMountpointIsNotTheStore() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \(root.mountpoint) && mount -t tmpfs -o size=10m tmpfs \(root.mountpoint)")
            defer { _ = try? root.sh("umount \(root.mountpoint)") }
            let result = try root.dockstore(["check"])
            #expect(result.status == 3, "\(result.stdout)")
            #expect(result.stdout.hasPrefix("DOCKSTORE UNKNOWN - tmpfs is mounted at \(root.mountpoint), not Docker's store"), "\(result.stdout)")
        }
    }

    /// B11: `-w20%:` (getopt's attached value, NRPE's `-w$ARG1$`) was "Unknown option".
    @Test func attachedShortOptionValues() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let attached = try root.dockstore(["check", "-w20%:", "-c10%:"])
            #expect(attached.status == 0 && attached.stdout.hasPrefix("DOCKSTORE OK - "), "\(attached.stdout)")
            // The attached value is the one used: free data (about 900 MiB) is below 2 GiB.
            let warning = try root.dockstore(["check", "-w2G:", "-c1K:"])
            #expect(warning.status == 1 && warning.stdout.hasPrefix("DOCKSTORE WARNING - "), "\(warning.stdout)")
            #expect(warning.stdout.contains(";2147483648:;1024:;"), "\(warning.stdout)")
        }
    }

    /// B18: a non-UTF-8 argument was answered with the Nagios line whatever --format asked,
    /// and a threshold's reason talked about fstab.
    @Test func nonUTF8ArgumentsInTheRequestedFormat() throws {
        try withTestRoot { root in
            func check(_ arguments: String) throws -> RunResult {
                try root.run("/bin/sh", ["-c", "exec \(TestRoot.binary) check --root \(root.path) \(arguments)"])
            }
            let json = try check("--format json --mountpoint \"$(printf '/var/\\377')\"")
            #expect(json.status == 3)
            let report = try Self.json(json.stdout)
            #expect((report["state"] as? NSNumber)?.intValue == 3, "\(json.stdout)")
            #expect(json.stdout.contains("is not UTF-8"), "\(json.stdout)")
            let metrics = try check("--format prometheus -w \"$(printf '\\377')\"")
            #expect(metrics.status == 3)
            #expect(metrics.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"store\"} 3"), "\(metrics.stdout)")
            try root.write(root.path + "/metrics.prom", metrics.stdout)
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") {
                let lint = try root.run("/bin/sh", ["-c", "/usr/bin/promtool check metrics < \(root.path)/metrics.prom"])
                #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "promtool: \(lint.stdout) \(lint.stderr)")
            }
            let nagios = try check("-w \"$(printf '\\377')\"")
            #expect(nagios.stdout == "DOCKSTORE UNKNOWN - -w '\\xFF' is not a Nagios range (it is not UTF-8): give a range such as 20%: or 10G:\n", "\(nagios.stdout)")
        }
    }

    /// B06: a `|` in the mountpoint cut the Nagios text there (Nagios reads perfdata after it).
    @Test func pipeInTheMountpointIsEscapedInPluginText() throws {
        try withTestRoot { root in
            let result = try root.dockstore(["check", "--mountpoint", "/var/lib/dock|er"])
            #expect(result.status == 3)
            let text = result.stdout.split(separator: "|", maxSplits: 1).first.map(String.init) ?? ""
            #expect(text.contains("/var/lib/dock\\x7Cer"), "\(result.stdout)")
        }
    }
}
