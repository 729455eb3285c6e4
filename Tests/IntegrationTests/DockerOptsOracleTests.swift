import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real dockerd (Debian's docker.io 20.10) is the oracle for how dockstore reads
/// DOCKER_OPTS (attacks B10, B09, B01): over a table of (DOCKER_OPTS, config files) pairs,
/// `dockstore backend` says "dockerd can start with this" (exit 0) or reports a problem
/// (exit 4), and `backend vfs` writes a setting dockerd starts with or refuses (exit 2,
/// nothing changed); dockerd, started from the files as SUSE's docker.service starts it and
/// reading its config file where DOCKER_OPTS says (`Dockerd.startReadingOptions`), starts or
/// refuses exactly so, with the driver dockstore reported or wrote.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct DockerOptsOracleTests {
    /// (name, DOCKER_OPTS, /etc/docker/daemon.json, /etc/docker/alt.json)
    static let rows: [(String, String, String?, String?)] = [
        ("the named config file sets the driver", "--config-file=/etc/docker/alt.json", nil, "{\"storage-driver\":\"overlay2\"}"),
        ("the named config file, the standard one sets the driver", "--config-file /etc/docker/alt.json", "{\"storage-driver\":\"overlay2\"}", "{}"),
        ("the named config file sets the driver a flag sets", "--config-file=/etc/docker/alt.json -s vfs", nil, "{\"storage-driver\":\"vfs\"}"),
        ("the named config file is missing", "--config-file=/etc/docker/alt.json", "{}", nil),
        ("no flags, daemon.json sets the driver", "--log-level=warn", "{\"storage-driver\":\"vfs\"}", nil),
        // Attack 11 B09: the words split as pflag splits them.
        ("B09a a cluster of shorthands", "-Ds vfs", "{}", nil),
        ("B09a a cluster with its value attached", "-Dsvfs", "{}", nil),
        ("B09a a cluster, -s=", "-Ds=vfs --raw-logs", "{}", nil),
        ("B09 a value flag checks its value", "--label -s=vfs", "{}", nil),
        ("B09 an integer flag", "--mtu 0x5dc -s vfs", "{}", nil),
        ("B09 an integer flag with a bad value", "--mtu 15x -s vfs", "{}", nil),
        ("B09b a value flag takes the storage flag as its value", "--label --storage-driver=overlay2 --debug", "{}", nil),
        ("B09c a value flag takes -s as its value", "--label -s --debug", "{}", nil),
        ("B09d a value flag without its value", "--storage-driver=vfs --storage-opt", "{}", nil),
        ("B09d a lone -s", "--debug -s", "{}", nil),
        ("B09 a word after --", "--debug -- -s vfs", "{}", nil),
        ("B09 an unknown flag", "--bogus -s vfs", "{}", nil),
        ("B09 a bool with a value it does not take", "--debug=yes -s vfs", "{}", nil),
        ("B09 hidden flags", "-r=false -s vfs", "{}", nil),
        // Attack 11 B01: a flag also set in daemon.json.
        ("B01 debug both ways", "--debug --storage-driver=vfs", "{\"debug\":true}", nil),
        ("B01 -D and false", "-D -s vfs", "{\"debug\":false}", nil),
        ("B01 log-level", "--log-level=info", "{\"log-level\":\"debug\"}", nil),
        ("B01 a null key counts", "--debug", "{\"debug\":null}", nil),
        ("B01 one level down", "-l info", "{\"x\":{\"log-level\":\"debug\"}}", nil),
        ("B01 in a cluster", "-Ds vfs", "{\"debug\":true}", nil),
        ("B01 a named flag and its key", "--label a=b", "{\"labels\":[\"c=d\"]}", nil),
        ("B01 a named flag and its flag name", "--label a=b -s vfs", "{\"label\":\"c=d\"}", nil),
        ("B01 runtimes are merged", "--add-runtime a=/usr/bin/true -s vfs", "{\"runtimes\":{\"b\":{\"path\":\"/usr/bin/true\"}}}", nil),
        ("B01 a flat option's member", "--label a=b -s vfs", "{\"log-opts\":{\"labels\":\"x\"}}", nil),
    ]

    @Test(arguments: rows)
    func backendAgreesWithDockerd(_ name: String, _ opts: String, _ daemonJSON: String?, _ alt: String?) throws {
        try withTestRoot { root in
            try setUp(root, opts, daemonJSON, alt)
            // What backend reports about the files as they are.
            let report = try root.dockstore(["backend", "--json"])
            #expect(report.status == 0 || report.status == 4, "\(name): \(report.stderr)")
            let reported = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
            let (dockerd, log) = try Dockerd.startReadingOptions(in: root, dataRoot: root.path + "/data")
            let info = try dockerd.map { try $0.docker(["info", "--format", "{{.Driver}} {{.Debug}}"]).stdout.split(separator: " ").map(String.init) }
            let driver = info?.first?.trimmingCharacters(in: .whitespacesAndNewlines)
            dockerd?.stop()
            #expect((report.status == 0) == (dockerd != nil),
                    "\(name): backend \(report.status == 0 ? "says dockerd can start" : "reports \(reported?["problems"] ?? "")"); dockerd \(dockerd != nil ? "started" : "refused: \(log.suffix(300))")")
            if let driver, let said = reported?["driver"] as? String {
                #expect(said == driver, "\(name): backend reports \(said), dockerd runs \(driver)")
            } else if let driver {
                // Not set: dockerd picks one itself, never vfs (which only a flag or key selects here).
                #expect(driver != "vfs", "\(name): backend reports no driver, dockerd runs vfs")
            }
            // What backend vfs writes: dockerd starts with vfs, or backend refuses and changes nothing.
            let before = root.snapshot()
            let set = try root.dockstore(["backend", "vfs", "--force"])
            #expect(set.status == 0 || set.status == 2, "\(name): \(set.stderr)")
            if set.status == 2 { #expect(root.changes(since: before) == [], "\(name): a refusal changes nothing") }
            let (after, afterLog) = try Dockerd.startReadingOptions(in: root, dataRoot: root.path + "/data2")
            let afterInfo = try after.map { try $0.docker(["info", "--format", "{{.Driver}} {{.Debug}}"]).stdout.split(separator: " ").map(String.init) }
            let afterDriver = afterInfo?.first?.trimmingCharacters(in: .whitespacesAndNewlines)
            after?.stop()
            if set.status == 0 {
                #expect(afterDriver == "vfs", "\(name): backend vfs exit 0; dockerd \(afterDriver ?? "refused: \(afterLog.suffix(300))")")
                // Every other flag of the admin's stays (B09 c: --debug was deleted).
                if let info, let afterInfo {
                    #expect(info.dropFirst() == afterInfo.dropFirst(), "\(name): debug \(info.dropFirst()) before, \(afterInfo.dropFirst()) after backend vfs")
                }
            }
        }
    }

    /// Attack 12 B01: `DOCKER_DRIVER` in /etc/sysconfig/docker (docker.service's
    /// EnvironmentFile) beats `--storage-driver` and daemon.json: backend reports the driver
    /// dockerd runs, with a problem where it is not the one DOCKER_OPTS or daemon.json names,
    /// and `backend vfs` removes the assignment, every other byte of the file kept, so that
    /// dockerd runs vfs. (DOCKER_OPTS, daemon.json, the lines after DOCKER_OPTS)
    @Test(arguments: [
        ("-s vfs", nil as String?, "DOCKER_DRIVER=\"overlay2\"\n"),
        ("--debug", "{\"storage-driver\":\"vfs\"}", "A=1\nDOCKER_DRIVER=overlay2\n# kept\n"),
        ("-s overlay2", nil, "DOCKER_DRIVER=vfs\nDOCKER_DRIVER=''\n"),
        ("", nil, "DOCKER_DRIVER=vfs\n"),
    ])
    func driverVariableAgreesWithDockerd(_ opts: String, _ daemonJSON: String?, _ more: String) throws {
        try withTestRoot { root in
            try setUp(root, opts, daemonJSON, nil)
            let file = "DOCKER_OPTS=\"\(opts)\"\n" + more
            try root.write(root.sysconfig, file)
            let report = try root.dockstore(["backend", "--json"])
            let reported = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
            let (dockerd, log) = try Dockerd.startReadingOptions(in: root, dataRoot: root.path + "/data")
            let driver = try dockerd.map { try $0.docker(["info", "--format", "{{.Driver}}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
            dockerd?.stop()
            #expect(driver != nil, "dockerd refused: \(log.suffix(300))")
            #expect(reported?["driver"] as? String == driver, "\(file.debugDescription): backend \(report.stdout), dockerd runs \(driver ?? "-")")
            let named = daemonJSON != nil ? "vfs" : opts.split(separator: " ").last.map(String.init)
            let conflicting = named != nil && named != driver
            #expect(report.status == (conflicting ? 4 : 0), "\(file.debugDescription): \(report.status) \(report.stdout)")
            if conflicting { #expect(report.stdout.contains("DOCKER_DRIVER"), "\(report.stdout)") }

            let set = try root.dockstore(["backend", "vfs", "--force"])
            #expect(set.status == 0, "\(set.stdout) \(set.stderr)")
            let (after, afterLog) = try Dockerd.startReadingOptions(in: root, dataRoot: root.path + "/data2")
            let afterDriver = try after.map { try $0.docker(["info", "--format", "{{.Driver}}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
            after?.stop()
            #expect(afterDriver == "vfs", "dockerd after backend vfs: \(afterDriver ?? "refused: \(afterLog.suffix(300))")")
            let now = root.read(root.sysconfig) ?? ""
            if more.contains("overlay2") {
                // Only the DOCKER_DRIVER lines went (and DOCKER_OPTS's storage flags changed).
                let kept = { (text: String) in text.split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.hasPrefix("DOCKER_DRIVER=") && !$0.hasPrefix("DOCKER_OPTS=") && !$0.hasPrefix("# DOCKER_OPTS") } }
                #expect(kept(now) == kept(file) && !now.contains("DOCKER_DRIVER"), "\(now.debugDescription)")
            } else {
                // An empty last one (dockerd ignores it) or the driver asked for: they stay.
                #expect(now.hasSuffix(more), "\(now.debugDescription)")
            }
        }
    }

    func setUp(_ root: TestRoot, _ opts: String, _ daemonJSON: String?, _ alt: String?) throws {
        try FileManager.default.createDirectory(atPath: root.path + "/etc/docker", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.mountpoint, withIntermediateDirectories: true)
        try root.write(root.sysconfig, "DOCKER_OPTS=\"\(opts)\"\n")
        if let daemonJSON { try root.write(root.path + "/etc/docker/daemon.json", daemonJSON) }
        if let alt { try root.write(root.path + "/etc/docker/alt.json", alt) }
    }

    /// A data root other than the mountpoint, set by a flag or by the config file: provision
    /// refuses (exit 2, one line naming where it is set) with nothing changed, and status
    /// reports it (exit 4).
    @Test(arguments: [
        ("--data-root=/srv/docker", nil as String?, "--data-root"),
        ("-g /srv/docker", nil, "DOCKER_OPTS"),
        ("", "{\"data-root\": \"/srv/docker\"}", "\"data-root\" in"),
        ("--config-file=/etc/docker/alt.json", nil, "\"graph\" in"),
    ])
    func anotherDataRootIsRefused(_ opts: String, _ daemonJSON: String?, _ where_: String) throws {
        try withTestRoot { root in
            try FileManager.default.createDirectory(atPath: root.path + "/etc/docker", withIntermediateDirectories: true)
            try root.write(root.sysconfig, "DOCKER_OPTS=\"\(opts)\"\n")
            if let daemonJSON { try root.write(root.path + "/etc/docker/daemon.json", daemonJSON) }
            if opts.contains("alt.json") { try root.write(root.path + "/etc/docker/alt.json", "{\"graph\": \"/srv/docker\"}") }
            let before = root.snapshot()
            let result = try root.dockstore(["provision", "--size", "2G"])
            #expect(result.status == ExitStatus.refused.rawValue && result.stderrLines.count == 1, "\(opts): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("'/srv/docker'") && result.stderr.contains(where_) && result.stderr.contains("/var/lib/docker"), "\(result.stderr)")
            #expect(root.changes(since: before) == [], "\(opts): nothing changed")
            let status = try root.dockstore(["status"])
            #expect(status.status == ExitStatus.problems.rawValue && status.stdout.contains("'/srv/docker'"), "\(status.status) \(status.stdout)")
        }
    }
}
