@testable import DockStoreCore
import Testing

/// Which config file and data root DOCKER_OPTS gives dockerd (attack B10): backend, provision
/// and status read the file `--config-file` names and judge the store against the data root
/// `--data-root` (`-g`, `--graph`) or the file's `"data-root"` (`"graph"`) sets.
struct DockerdConfigPlaceTests {
    static let sysconfigPath = "/etc/sysconfig/docker"

    static func opts(_ value: String) -> [UInt8] { Array("DOCKER_OPTS=\"\(value)\"\n".utf8) }

    static let places: [(String, String?, String?)] = [
        ("", "/etc/docker/daemon.json", nil),
        ("--debug", "/etc/docker/daemon.json", nil),
        ("--config-file=/etc/docker/alt.json", "/etc/docker/alt.json", nil),
        ("--config-file /etc/docker/alt.json -D", "/etc/docker/alt.json", nil),
        ("--config-file=/a.json --config-file=/b.json", "/b.json", nil),
        ("--config-file=//etc//docker/alt.json/", "/etc/docker/alt.json", nil),
        ("--config-file=alt.json", nil, "relative"),
        ("--config-file=/etc/../x.json", nil, "'..'"),
    ]

    @Test(arguments: places)
    func configFile(_ value: String, _ expected: String?, _ refusal: String?) throws {
        do {
            let place = try DockerdConfigPlace.of(sysconfig: Self.opts(value), sysconfigPath: Self.sysconfigPath)
            #expect(place.path.string == expected, "\(value)")
            #expect(place.given == (expected != "/etc/docker/daemon.json"), "\(value)")
        } catch let error as DockStoreError {
            #expect(refusal.map { error.message.contains($0) } == true, "\(value): \(error.message)")
            // A line of that file, not the command line: a refusal (exit 2), never usage (attack 47 Q 14).
            #expect(error.kind == .refused, "\(value): \(error.kind)")
        }
    }

    @Test func noSysconfigIsTheStandardPlace() throws {
        #expect(try DockerdConfigPlace.of(sysconfig: nil, sysconfigPath: Self.sysconfigPath) == .standard)
        // A file that does not parse: every reader of it refuses; the place is the standard one.
        #expect(try DockerdConfigPlace.orStandard(sysconfig: Array("DOCKER_OPTS=\"x\n".utf8), sysconfigPath: Self.sysconfigPath) == .standard)
    }

    /// (DOCKER_OPTS, daemon.json, mountpoint, nil when dockerd uses the store, else a part of the problem)
    static let dataRoots: [(String, String?, String, String?)] = [
        ("", nil, "/var/lib/docker", nil),
        // The implicit default data root is judged like an explicit one (attack 12, B21).
        ("", nil, "/srv/docker", "its default /var/lib/docker"),
        ("--data-root=/srv/docker", nil, "/var/lib/docker", "'/srv/docker' (set by"),
        ("--data-root /srv/docker", nil, "/srv/docker", nil),
        ("--data-root=/var/lib/docker/", nil, "/var/lib/docker", nil),
        ("--data-root=//var/lib//docker", nil, "/var/lib/docker", nil),
        ("-g /srv/docker", nil, "/var/lib/docker", "'/srv/docker'"),
        ("--graph=/srv/docker", nil, "/var/lib/docker", "'/srv/docker'"),
        ("--data-root=docker", nil, "/var/lib/docker", "relative"),
        // Cleaned as dockerd (Go's filepath.Clean) takes it (attack 12, B03).
        ("--data-root=/var/lib/../lib/docker", nil, "/var/lib/docker", nil),
        ("", "{\"data-root\": \"/srv/docker\"}", "/var/lib/docker", "\"data-root\" in /etc/docker/daemon.json"),
        ("", "{\"graph\": \"/srv/docker\"}", "/var/lib/docker", "\"graph\" in"),
        ("", "{\"data-root\": \"/var/lib/docker\"}", "/var/lib/docker", nil),
        ("", "{\"data-root\": \"/srv/a\", \"data-root\": \"/var/lib/docker\"}", "/var/lib/docker", nil),
        ("", "{\"debug\": true}", "/var/lib/docker", nil),
        ("", "{\"data-root\": 1}", "/var/lib/docker", "is not a string"),
        ("--data-root=/var/lib/docker", "{\"data-root\": \"/srv/docker\"}", "/var/lib/docker", nil),
    ]

    @Test(arguments: dataRoots)
    func dataRoot(_ value: String, _ daemonJSON: String?, _ mountpoint: String, _ problem: String?) throws {
        let found: String?
        do {
            found = try DockerdConfigPlace.otherDataRoot(sysconfig: Self.opts(value), sysconfigPath: Self.sysconfigPath,
                                                         daemonJSON: daemonJSON.map { Array($0.utf8) }, configPath: "/etc/docker/daemon.json",
                                                         mountpoint: try HostPath(mountpoint, what: "mountpoint"))
        } catch let error as DockStoreError {
            found = error.message
        }
        if let problem {
            #expect(found?.contains(problem) == true, "\(value) \(daemonJSON ?? ""): \(found ?? "no problem")")
        } else {
            #expect(found == nil, "\(value) \(daemonJSON ?? ""): \(found ?? "")")
        }
    }

    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()

    /// backend edits the config file DOCKER_OPTS names, not /etc/docker/daemon.json.
    @Test func backendEditsTheNamedConfigFile() throws {
        var observed = BackendObservation(sysconfig: "DOCKER_OPTS=\"--config-file=/etc/docker/alt.json\"\n",
                                          daemonJSON: "{\"storage-driver\":\"overlay2\"}", filesystem: FilesystemType(name: "ext4"))
        observed.daemonJSONPlace = DockerdConfigPlace(path: .known("/etc/docker/alt.json"), given: true)
        let plan = try BackendPlanner.plan(observed, try BackendRequest(driver: "vfs", options: []), Self.host)
        guard case .writeDaemonJSON(let path, _, let new, _)? = plan.steps.first else { Issue.record("no daemon-json step: \(plan.steps)"); return }
        #expect(path.string == "/etc/docker/alt.json")
        #expect(new.utf8Text == "{}")
        let report = BackendReport.inspect(observed, host: Self.host, mountpoint: HostPaths.defaultMountpoint)
        #expect(report.driver == "overlay2" && report.driverSource == "/etc/docker/alt.json", "\(report)")
    }

    @Test func backendReportsAMissingNamedConfigFileAndAnotherDataRoot() throws {
        var observed = BackendObservation(sysconfig: "DOCKER_OPTS=\"--config-file=/etc/docker/alt.json\"\n", filesystem: FilesystemType(name: "btrfs"))
        observed.daemonJSONPlace = DockerdConfigPlace(path: .known("/etc/docker/alt.json"), given: true)
        var report = BackendReport.inspect(observed, host: Self.host, mountpoint: HostPaths.defaultMountpoint)
        #expect(report.problems.count == 1 && report.problems[0].contains("/etc/docker/alt.json, which does not exist"), "\(report.problems)")
        observed = BackendObservation(sysconfig: "DOCKER_OPTS=\"--data-root=/srv/docker\"\n", filesystem: FilesystemType(name: "btrfs"))
        report = BackendReport.inspect(observed, host: Self.host, mountpoint: HostPaths.defaultMountpoint)
        #expect(report.problems.count == 1 && report.problems[0].contains("'/srv/docker'"), "\(report.problems)")
    }

    /// provision refuses another data root, and an edit of a config file other than
    /// /etc/docker/daemon.json (teardown gives back only that one).
    @Test(arguments: [
        ("--data-root=/srv/docker", nil as String?, false, "is not the store's mountpoint /var/lib/docker"),
        ("", "{\"data-root\": \"/srv/docker\"}", false, "\"data-root\" in /etc/docker/daemon.json"),
        ("--config-file=/etc/docker/alt.json", "{\"storage-opts\": [\"overlay2.size=1G\"]}", true, "(the --config-file DOCKER_OPTS names) sets storage keys"),
    ])
    func provisionRefuses(_ value: String, _ daemonJSON: String?, _ given: Bool, _ message: String) throws {
        var observed = ProvisionObservation.fixture(sysconfig: "DOCKER_OPTS=\"\(value)\"\n", daemonJSON: daemonJSON, hostAvailable: 200 << 30)
        if given { observed.daemonJSONPlace = DockerdConfigPlace(path: .known("/etc/docker/alt.json"), given: true) }
        let request = try ProvisionRequest()
        do {
            let plan = try ProvisionPlanner.plan(observed, request, Self.host)
            Issue.record("\(value): planned \(plan.steps.map(\.id))")
        } catch let error as DockStoreError {
            #expect(error.kind == .refused && error.message.contains(message), "\(error.message)")
        }
    }
}
