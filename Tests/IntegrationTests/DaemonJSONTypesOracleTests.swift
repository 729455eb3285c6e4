import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real dockerd 20.10 is the oracle for the types of daemon.json values
/// (`DockerdConfigTypes`): over a table of files — each kind of value (bool, string, integer,
/// size, array, object, nested struct, the builder's filter) once of the right type and once
/// of a wrong one, `null`, duplicates, keys Go matches in another case, keys that decode into
/// nothing — dockerd gets past loading its configuration ("Starting up") exactly when
/// `dockstore backend` says it can start, and when it cannot, `dockstore backend vfs --force`
/// refuses (exit 2, one line naming the file and the key, nothing changed).
/// dockerd is given `--containerd` so that it starts no containerd, and is killed as soon as
/// it logs "Starting up" (after the file is decoded and validated); a config error stops it
/// within a second.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct DaemonJSONTypesOracleTests {
    /// (name, daemon.json, the key a refusal names or nil when dockerd starts with it). The
    /// files avoid the keys of the flags the oracle passes (data-root, exec-root, pidfile,
    /// hosts, iptables, ip-masq, bridge, containerd) and `log-level` (it would hide "Starting up").
    static let cases: [(String, String, String?)] = [
        ("bool", "{\"debug\": true}", nil),
        ("bool as a string", "{\"debug\": \"yes\"}", "\"debug\""),
        ("bool as a number", "{\"live-restore\": 1}", "\"live-restore\""),
        ("bool as an object", "{\"debug\": {}}", "\"debug\""),
        ("bool, null", "{\"debug\": null}", nil),
        ("bool, a wrong duplicate first", "{\"debug\": \"yes\", \"debug\": true}", "\"debug\""),
        ("pointer to bool as a string", "{\"tls\": \"false\"}", "\"tls\""),
        ("string", "{\"cgroup-parent\": \"dockstore-test\"}", nil),
        ("string as a number", "{\"cgroup-parent\": 5}", "\"cgroup-parent\""),
        ("string as an array", "{\"log-driver\": [\"json-file\"]}", "\"log-driver\""),
        ("IP as a number", "{\"ip\": 5}", "\"ip\""),
        ("IP", "{\"ip\": \"0.0.0.0\"}", nil),
        ("integer", "{\"shutdown-timeout\": 15, \"max-concurrent-downloads\": 3}", nil),
        ("integer as a string", "{\"shutdown-timeout\": \"15\"}", "\"shutdown-timeout\""),
        ("integer with a fraction", "{\"shutdown-timeout\": 1.5}", "\"shutdown-timeout\""),
        ("integer with an exponent", "{\"mtu\": 1e3}", "\"mtu\""),
        ("integer out of range", "{\"oom-score-adjust\": 9223372036854775808}", "\"oom-score-adjust\""),
        ("pointer to int as a bool", "{\"max-concurrent-uploads\": true}", "\"max-concurrent-uploads\""),
        ("size", "{\"default-shm-size\": \"64M\"}", nil),
        ("size as a number", "{\"default-shm-size\": 67108864}", "\"default-shm-size\""),
        ("size, null", "{\"default-shm-size\": null}", "\"default-shm-size\""),
        // dockerd parses the bytes between the quotes as written (the sixth attack).
        ("size, escaped digits", "{\"default-shm-size\": \"\\u0036\\u0034M\"}", "\"default-shm-size\""),
        ("size, a word", "{\"default-shm-size\": \"lots\"}", "\"default-shm-size\""),
        ("size, a space after", "{\"default-shm-size\": \"64M \"}", "\"default-shm-size\""),
        ("size, two dots", "{\"default-shm-size\": \"1.2.3M\"}", "\"default-shm-size\""),
        ("size, a space before the unit", "{\"default-shm-size\": \"64 MiB\"}", nil),
        ("size, a fraction", "{\"default-shm-size\": \"1.5g\"}", nil),
        ("array", "{\"registry-mirrors\": [\"https://mirror.example\"], \"dns\": null}", nil),
        ("array as a string", "{\"storage-opts\": \"overlay2.size=1G\"}", "\"storage-opts\""),
        ("array item not a string", "{\"labels\": [\"a=b\", 1]}", "\"labels\"[1]"),
        ("array as an object", "{\"dns\": {}}", "\"dns\""),
        ("object", "{\"log-opts\": {\"max-size\": \"10m\"}, \"features\": {\"buildkit\": true}}", nil),
        ("object as a string", "{\"log-opts\": \"max-size=1m\"}", "\"log-opts\""),
        ("object value not a string", "{\"log-opts\": {\"max-file\": 3}}", "\"log-opts\".\"max-file\""),
        ("features value a string", "{\"features\": {\"buildkit\": \"true\"}}", "\"features\".\"buildkit\""),
        ("features as an array", "{\"features\": []}", "\"features\""),
        ("ulimits", "{\"default-ulimits\": {\"nofile\": {\"name\": \"nofile\", \"HARD\": 64000, \"Soft\": 64000}}}", nil),
        ("ulimit value a string", "{\"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Hard\": \"64000\", \"Soft\": 64000}}}",
         "\"default-ulimits\".\"nofile\".\"Hard\""),
        ("address pools", "{\"default-address-pools\": [{\"base\": \"10.123.0.0/16\", \"size\": 24}]}", nil),
        ("address pool size a string", "{\"default-address-pools\": [{\"base\": \"10.123.0.0/16\", \"size\": \"24\"}]}",
         "\"default-address-pools\"[0].\"size\""),
        ("runtime args a string", "{\"runtimes\": {\"r\": {\"path\": \"/bin/true\", \"runtimeArgs\": \"-x\"}}}",
         "\"runtimes\".\"r\".\"runtimeArgs\""),
        ("builder", "{\"builder\": {\"gc\": {\"enabled\": true, \"defaultKeepStorage\": \"10GB\", \"policy\": [{\"filter\": [\"unused-for=24h\"]}]}}}", nil),
        ("builder bool a string", "{\"builder\": {\"GC\": {\"Enabled\": \"yes\"}}}", "\"builder\".\"GC\".\"Enabled\""),
        ("builder entitlement a number", "{\"builder\": {\"Entitlements\": {\"network-host\": 1}}}",
         "\"builder\".\"Entitlements\".\"network-host\""),
        ("builder filter a string", "{\"builder\": {\"GC\": {\"Policy\": [{\"Filter\": \"x\"}]}}}", "\"builder\".\"GC\".\"Policy\"[0].\"Filter\""),
        ("key in another case, an object", "{\"DEBUG\": {}}", "\"DEBUG\""),
        ("map key in another case, an object", "{\"Log-Opts\": {}}", nil),
        ("a flag's name decodes into nothing", "{\"label\": 5}", nil),
        ("inside an object dockerd flattens", "{\"x\": {\"debug\": \"yes\"}}", nil),
    ]

    /// Whether dockerd gets past loading `file` (it logs "Starting up"), and its log.
    static func dockerdStarts(_ file: String, in root: TestRoot) throws -> (Bool, String) {
        let log = root.path + "/oracle-dockerd.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: log))
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/dockerd")
        process.arguments = ["--config-file", file, "--data-root", root.path + "/oracle-data",
                             "--exec-root", root.path + "/oracle-run", "--pidfile", root.path + "/oracle.pid",
                             "--host", "unix://\(root.path)/oracle.sock", "--containerd", root.path + "/no-containerd.sock",
                             "--iptables=false", "--ip-masq=false", "--bridge=none"]
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        func text() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        for _ in 0..<1500 {
            if text().contains("Starting up") { return (true, text()) }
            if !process.isRunning { return (false, text()) }
            usleep(20_000)
        }
        throw TestFailure("dockerd neither started nor exited within 30 s: \(text())")
    }

    @Test(arguments: cases)
    func dockerdStartsExactlyWhenDockstoreSaysItCan(_ name: String, _ text: String, _ key: String?) throws {
        try withTestRoot { root in
            let config = root.path + "/etc/docker/daemon.json"
            try root.write(config, text + "\n")
            let (started, log) = try Self.dockerdStarts(config, in: root)
            #expect(started == (key == nil), "\(name): dockerd \(started ? "started" : "refused"): \(log)")
            if !started {
                #expect(log.contains("unable to configure the Docker daemon with file"), "\(name): a config error: \(log)")
            }
            let daemon = try DaemonJSON(path: config, bytes: Array((text + "\n").utf8))
            #expect((daemon.valueTypesProblem == nil && daemon.unknownKeysProblem == nil) == started,
                    "\(name): \(daemon.valueTypesProblem ?? daemon.unknownKeysProblem ?? "no problem")")

            let report = try root.dockstore(["backend"])
            #expect(report.stdout.contains("dockerd can start with this") == started, "\(name): \(report.stdout) \(report.stderr)")

            try root.write(root.sysconfig, "DOCKER_OPTS=\"-s overlay2\"\n")
            let before = root.snapshot()
            let result = try root.dockstore(["backend", "vfs", "--force"])
            guard let key else {
                #expect(result.status == 0, "\(name): \(result.stderr)")
                return
            }
            #expect(result.status == ExitStatus.refused.rawValue && result.stderrLines.count == 1, "\(name): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(config) && result.stderr.contains("\(key) holds ") && result.stderr.contains("dockerd expects"),
                    "\(name): names the file, the key, what it holds and what dockerd expects: \(result.stderr)")
            #expect(root.changes(since: before) == [], "\(name): a refusal changes nothing")
        }
    }
}

/// provision reads the same types: a daemon.json dockerd would refuse for a value's type is
/// refused before anything is created (exit 2, one line naming the file and the key).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DaemonJSONTypesProvisionTests {
    @Test func provisionRefusesAValueOfAWrongType() throws {
        try withTestRoot { root in
            let config = root.path + "/etc/docker/daemon.json"
            let text = "{\"features\": {\"buildkit\": \"true\"}, \"storage-opts\": [\"overlay2.size=1G\"]}\n"
            try root.write(config, text)
            let result = try root.dockstore(["provision", "--size", "2G"])
            #expect(result.status == ExitStatus.refused.rawValue && result.stderrLines.count == 1, "\(result.status) \(result.stderr)")
            #expect(result.stderr.contains(config) && result.stderr.contains("\"features\".\"buildkit\" holds a string, but dockerd expects a boolean"), "\(result.stderr)")
            #expect(root.read(config) == text)
            #expect(root.status(root.image) == nil && root.status(root.sysconfig) == nil, "nothing was created")
        }
    }
}
