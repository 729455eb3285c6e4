import Testing
@testable import DockStoreCore

/// DOCKER_OPTS split as dockerd 20.10's pflag splits it (attack B09), and the flag/daemon.json
/// conflicts it refuses (B01). DockerOptsOracleTests holds the same cases against the real dockerd.
@Suite struct DockerdCommandLineTests {
    static func flags(_ line: String) throws -> [String] {
        try DockerdCommandLine(parsing: DockerOptions(line).words).settings.map { "\($0.flag.name)=\($0.value)" }
    }

    @Test(arguments: [
        ("", [String]()),
        ("--storage-driver=vfs", ["storage-driver=vfs"]),
        ("--storage-driver vfs", ["storage-driver=vfs"]),
        ("-s vfs", ["storage-driver=vfs"]),
        ("-s=vfs", ["storage-driver=vfs"]),
        ("-svfs", ["storage-driver=vfs"]),
        ("-s=", ["storage-driver=="]),
        ("--storage-driver=", ["storage-driver="]),
        // B09 (a): a cluster of shorthands.
        ("-Ds vfs", ["debug=true", "storage-driver=vfs"]),
        ("-Dsvfs", ["debug=true", "storage-driver=vfs"]),
        ("-Ds=vfs", ["debug=true", "storage-driver=vfs"]),
        ("-DsD", ["debug=true", "storage-driver=D"]),
        // B09 (b), (c): a value flag takes the next word whatever it is.
        ("--label --storage-driver=overlay2 --debug", ["label=--storage-driver=overlay2", "debug=true"]),
        ("--label -s=x --debug", ["label=-s=x", "debug=true"]),
        ("--mtu 0x5dc --mtu=-0o7 --mtu 010 --mtu=+0b1", ["mtu=0x5dc", "mtu=-0o7", "mtu=010", "mtu=+0b1"]),
        ("-l -s", ["log-level=-s"]),
        // Bools.
        ("--debug=false --tls=1 -D=F", ["debug=false", "tls=true", "debug=false"]),
        ("--iptables=false", ["iptables=false"]),
        // Hidden and deprecated flags still parse.
        ("-g /srv -r=false --graph=/x", ["graph=/srv", "restart=false", "graph=/x"]),
        ("--", []),
        ("--debug --", ["debug=true"]),
    ] as [(String, [String])])
    func splitsAsPflag(_ line: String, _ expected: [String]) throws {
        #expect(try Self.flags(line) == expected, "\(line)")
    }

    @Test(arguments: [
        // B09 (d): a value flag with no word after it.
        ("--storage-driver=vfs --storage-opt", 1, "flag needs an argument: --storage-opt"),
        ("-s", 0, "flag needs an argument: 's' in -s"),
        ("-Ds", 0, "flag needs an argument: 's' in -Ds"),
        ("--foo", 0, "unknown flag: --foo"),
        ("-x", 0, "unknown shorthand flag: 'x' in -x"),
        ("-Dx", 0, "unknown shorthand flag: 'x' in -Dx"),
        ("-D=", 0, "unknown shorthand flag: '=' in -D="),
        ("--debug false", 1, "it is no flag, and dockerd accepts no arguments"),
        ("-sD vfs", 1, "it is no flag, and dockerd accepts no arguments"),
        ("vfs", 0, "it is no flag, and dockerd accepts no arguments"),
        ("-", 0, "it is no flag, and dockerd accepts no arguments"),
        ("-- -s vfs", 1, "it follows --, and dockerd accepts no arguments"),
        ("---debug", 0, "bad flag syntax"),
        ("--=x", 0, "bad flag syntax"),
        ("--debug=yes", 0, "invalid argument \"yes\" for --debug: it takes true or false"),
        ("--version", 0, "dockerd prints its version and exits"),
        ("-Dv", 0, "dockerd prints its version and exits"),
        ("--help", 0, "dockerd prints its help and exits"),
        ("-h", 0, "dockerd prints its help and exits"),
        ("--Storage-Driver=vfs", 0, "unknown flag: --Storage-Driver"),
        // pflag's Value.Set checks (B09 c: a label without =).
        ("--label -s --debug", 0, "invalid argument \"-s\" for --label: bad attribute format: a label is key=value"),
        ("--label=com.docker.x=1", 0, "invalid argument \"com.docker.x=1\" for --label: the namespaces com.docker.*, io.docker.*, and org.dockerproject.* are reserved for internal use"),
        ("--mtu 15x", 0, "invalid argument \"15x\" for --mtu: it takes an integer"),
        ("--mtu=08", 0, "invalid argument \"08\" for --mtu: it takes an integer"),
        ("--shutdown-timeout 99999999999999999999", 0, "invalid argument \"99999999999999999999\" for --shutdown-timeout: it takes an integer"),
    ] as [(String, Int, String)])
    func refusesWhatDockerdRefuses(_ line: String, _ index: Int, _ reason: String) throws {
        let words = DockerOptions(line).words
        #expect(throws: DockerdCommandLine.Refusal(index: index, word: words[index], reason: reason)) {
            try DockerdCommandLine(parsing: words)
        }
    }

    @Test func tableMatchesDockerdHelp() {
        #expect(DockerdFlags.all.count == 85)
        #expect(DockerdFlags.all.filter { !$0.bool }.count == 64)
        #expect(Set(DockerdFlags.all.map(\.name)).count == DockerdFlags.all.count)
        let shorts = DockerdFlags.all.compactMap { flag in flag.short.map { "\($0)\(flag.bool ? "" : ":")" } }.sorted()
        #expect(shorts == ["D", "G:", "H:", "b:", "g:", "l:", "p:", "r", "s:", "v"])
        // Every flag is a daemon.json key dockerd knows, and so is every named option's key.
        for flag in DockerdFlags.all {
            #expect(DockerdConfigKeys.known.contains(flag.name), "\(flag.name)")
            #expect(DockerdConfigKeys.known.contains(flag.configKey), "\(flag.configKey)")
        }
    }

    /// B09: backend's rewrite edits the storage flag dockerd reads, keeps every other flag.
    @Test(arguments: [
        ("-Ds vfs", "-D --storage-driver=btrfs"),
        ("-Dsvfs --tls", "-D --storage-driver=btrfs --tls"),
        ("--label --storage-driver=overlay2 --debug", "--label --storage-driver=overlay2 --debug --storage-driver=btrfs"),
        ("--label -s=x --debug", "--label -s=x --debug --storage-driver=btrfs"),
        ("--log-level warn  -s overlay2 --tls", "--log-level warn  --storage-driver=btrfs --tls"),
    ])
    func rewritesTheFlagDockerdReads(_ line: String, _ expected: String) throws {
        let rewritten = try DockerOptions(line).replacingStorage(driver: "btrfs", options: [])
        #expect(rewritten.rendered == expected)
        #expect(try rewritten.storage().driver == "btrfs")
    }

    @Test func sysconfigRefusalNamesTheWord() throws {
        let file = try SysconfigFile(path: "/etc/sysconfig/docker", text: "DOCKER_OPTS=\"--storage-driver=vfs --storage-opt\"\n")
        #expect(throws: DockStoreError.refused("/etc/sysconfig/docker line 1: dockerd 20.10 would not start with DOCKER_OPTS: word 2 '--storage-opt': flag needs an argument: --storage-opt; dockstore reads DOCKER_OPTS only as dockerd does: fix that word and run again")) {
            try file.dockerStorage
        }
    }

    /// B01: findConfigurationConflicts' rules.
    @Test(arguments: [
        ("--debug --storage-driver=vfs", "{\"debug\":true}", ["debug"]),
        ("-D", "{\"debug\":false}", ["debug"]),
        ("--debug", "{\"debug\":null}", ["debug"]),
        ("--log-level=info", "{\"log-level\":\"debug\"}", ["log-level"]),
        ("-l info", "{\"x\":{\"log-level\":\"debug\"}}", ["log-level"]),
        ("--label a=b", "{\"labels\":[\"c=d\"]}", ["labels"]),
        ("--label a=b", "{\"label\":\"c=d\"}", []),
        ("--storage-opt a=b", "{\"storage-opts\":[]}", ["storage-opts"]),
        ("-Ds vfs", "{\"storage-driver\":\"vfs\",\"debug\":true}", ["debug", "storage-driver"]),
        ("--add-runtime a=/bin/true", "{\"runtimes\":{}}", []),
        ("--label=--debug=1", "{\"debug\":true}", []),
        ("--dns-search a", "{\"dns-search\":[]}", ["dns-search"]),
        ("--debug", "{\"log-opts\":{\"debug\":\"x\"}}", []),
    ] as [(String, String, [String])])
    func conflictsAsDockerdFindsThem(_ line: String, _ json: String, _ keys: [String]) throws {
        let words = DockerOptions(line).words
        let daemon = try DaemonJSON(path: "d", bytes: Array(json.utf8))
        let found = DockerdFlagConflicts.find(try DockerdCommandLine(parsing: words), words: words, configKeys: daemon.keysSeen)
        #expect(found.map(\.key) == keys, "\(line) + \(json)")
    }

    @Test func selectionRefusesAnotherFlagSetTwice() throws {
        #expect(throws: DockStoreError.refused("debug is set both in DOCKER_OPTS ('--debug') and in /etc/docker/daemon.json (\"debug\"): dockerd 20.10 refuses to start on that, even for equal values; remove it from one of the two files; nothing was changed")) {
            try StorageSelection.plan(driver: "btrfs", options: nil, sysconfigBytes: Array("DOCKER_OPTS=\"--debug\"\n".utf8),
                                      sysconfigPath: "/etc/sysconfig/docker", daemonJSONBytes: Array("{\"debug\":true}".utf8),
                                      daemonJSONPath: "/etc/docker/daemon.json")
        }
    }
}
