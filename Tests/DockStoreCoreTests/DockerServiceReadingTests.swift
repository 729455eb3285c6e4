import Testing
@testable import DockStoreCore

/// Outside attack 14, Y-READ-1 and Y-READ-2: whether docker.service hands the DOCKER_OPTS of
/// /etc/sysconfig/docker to dockerd, from its unit file and drop-ins applied in order.
@Suite struct DockerServiceReadingTests {
    static let suse = """
        [Unit]
        Description=Docker Application Container Engine
        After=network.target lvm2-monitor.service firewalld.service

        [Service]
        EnvironmentFile=/etc/sysconfig/docker
        # While Docker has support for socket activation (-H fd://), this is not
        # enabled by default because enabling socket activation means that on boot your
        # containers won't start until someone tries to administer the Docker daemon.
        Type=notify
        ExecStart=/usr/bin/dockerd --add-runtime oci=/usr/sbin/docker-runc $DOCKER_NETWORK_OPTIONS $DOCKER_OPTS
        ExecReload=/bin/kill -s HUP $MAINPID
        """
    static let debian = """
        [Service]
        Type=notify
        EnvironmentFile=-/etc/default/docker
        ExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS
        """

    static func matches(_ path: String) -> DockerServiceReading.FileMatch {
        path.contains("%") || path.contains("*") ? .cannotTell : path == "/etc/sysconfig/docker" ? .sysconfig : .other
    }

    func problems(_ files: [(String, String)], sets: Set<String> = []) -> [String] {
        let reading = DockerServiceReading.parse(files.map { SystemdUnitFiles.File(path: $0.0, bytes: Array($0.1.utf8)) })
        var found = reading
        found.found = true
        return found.problems(sysconfig: "/etc/sysconfig/docker", shown: { $0 }, matches: Self.matches, setsDockerOpts: { sets.contains($0) })
    }

    @Test func susesUnitHandsDockerOptsOn() {
        #expect(problems([("/usr/lib/systemd/system/docker.service", Self.suse)]).isEmpty)
        // dockstore's own drop-in is [Unit] only
        #expect(problems([("/usr/lib/systemd/system/docker.service", Self.suse),
                          ("/etc/systemd/system/docker.service.d/dockstore.conf", "[Unit]\nWants=var-lib-docker.mount\nAfter=var-lib-docker.mount\n")]).isEmpty)
    }

    @Test func debiansUnitReadsAnotherFile() {
        let found = problems([("/lib/systemd/system/docker.service", Self.debian)])
        #expect(found == ["docker.service does not read /etc/sysconfig/docker as an EnvironmentFile= (it reads /etc/default/docker (/lib/systemd/system/docker.service)), so the DOCKER_OPTS dockstore sets there never reach dockerd; add EnvironmentFile=-/etc/sysconfig/docker to it (systemctl edit docker.service shows where)"])
        // a drop-in that adds it fixes it
        #expect(problems([("/lib/systemd/system/docker.service", Self.debian),
                          ("/etc/systemd/system/docker.service.d/sysconfig.conf", "[Service]\nEnvironmentFile=-/etc/sysconfig/docker\n")]).isEmpty)
    }

    @Test func anAdminsOverrideResetsWhatTheUnitSaid() {
        let execStart = problems([("/usr/lib/systemd/system/docker.service", Self.suse),
                                  ("/etc/systemd/system/docker.service.d/override.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --data-root=/srv/docker -s overlay2\n")])
        #expect(execStart.count == 2)
        #expect(execStart.first?.contains("which does not pass $DOCKER_OPTS") == true)
        #expect(execStart.last?.contains("gives dockerd --data-root=/srv/docker on ExecStart= itself") == true)
        let environment = problems([("/usr/lib/systemd/system/docker.service", Self.suse),
                                    ("/etc/systemd/system/docker.service.d/override.conf", "[Service]\nEnvironmentFile=\nEnvironment=\"DOCKER_OPTS=-s vfs\"\n")])
        #expect(environment.first?.hasPrefix("docker.service does not read /etc/sysconfig/docker as an EnvironmentFile= (it reads none)") == true, "\(environment)")
        // a later file that sets DOCKER_OPTS again wins over ours; one that does not is fine
        let later = [("/usr/lib/systemd/system/docker.service", Self.suse),
                     ("/etc/systemd/system/docker.service.d/more.conf", "[Service]\nEnvironmentFile=-/etc/docker/env\n")]
        #expect(problems(later).isEmpty)
        #expect(problems(later, sets: ["/etc/docker/env"]).first?.hasPrefix("docker.service reads /etc/docker/env (/etc/systemd/system/docker.service.d/more.conf) after /etc/sysconfig/docker, and it sets DOCKER_OPTS again") == true)
    }

    @Test func unitFileSyntaxAsSystemdReadsIt() {
        // continuation, comments inside it, blanks around =, another section's keys
        let unit = "[Service]\n  ExecStart = /usr/bin/dockerd \\\n# a comment\n    $DOCKER_OPTS\nEnvironmentFile = -/etc/sysconfig/docker\n[Install]\nEnvironmentFile=/etc/other\n"
        #expect(problems([("/u", unit)]).isEmpty)
        let reading = DockerServiceReading.parse([SystemdUnitFiles.File(path: "/u", bytes: Array(unit.utf8))])
        // the continued line is joined as systemd joins it (the backslash a blank, the next line's
        // indentation kept); ExecStart= splits it into the same words
        #expect(reading.execStart == ["/usr/bin/dockerd      $DOCKER_OPTS"])
        #expect(reading.environmentFiles == [.init(path: "/etc/sysconfig/docker", optional: true, from: "/u")])
        #expect(problems([("/u", "[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd \\\n  $DOCKER_OPTS\n")]).isEmpty)
    }

    @Test func aMaskedUnitAndNoUnit() {
        var masked = DockerServiceReading()
        masked.masked = true
        #expect(masked.problems(sysconfig: "/etc/sysconfig/docker", shown: { $0 }, matches: Self.matches, setsDockerOpts: { _ in false }).first?.hasPrefix("docker.service is masked") == true)
        #expect(DockerServiceReading().problems(sysconfig: "/etc/sysconfig/docker", shown: { $0 }, matches: Self.matches, setsDockerOpts: { _ in false }).isEmpty,
                "a tree without docker.service: nothing to judge")
    }

    /// The eighteenth attack's trees, each checked against a booted systemd 252 there.
    static let attack18: [(unit: String, problem: String?)] = [
        // F2: ${DOCKER_OPTS} is one argument; F9: "$DOCKER_OPTS" in quotes is still split
        ("ExecStart=/usr/bin/dockerd ${DOCKER_OPTS}", "where ${DOCKER_OPTS} is given to dockerd as one argument"),
        ("ExecStart=/usr/bin/dockerd \"$DOCKER_OPTS\"", nil),
        // F3: ':' turns substitution off; '@' makes the word after the path argv[0]
        ("ExecStart=:/usr/bin/dockerd $DOCKER_OPTS", "whose ':' prefix turns off variable substitution"),
        ("ExecStart=@/usr/bin/dockerd $DOCKER_OPTS", "which does not pass $DOCKER_OPTS"),
        ("ExecStart=-@/usr/bin/dockerd dockerd $DOCKER_OPTS", nil),
        ("ExecStart=+/usr/bin/dockerd $DOCKER_OPTS", nil),
        // F4: shorthand storage flags, attached and after boolean shorthands
        ("ExecStart=/usr/bin/dockerd $DOCKER_OPTS -svfs", "gives dockerd -svfs on ExecStart= itself"),
        ("ExecStart=/usr/bin/dockerd $DOCKER_OPTS -g/srv", "gives dockerd -g/srv on ExecStart= itself"),
        ("ExecStart=/usr/bin/dockerd $DOCKER_OPTS -Dsvfs", "gives dockerd -Dsvfs on ExecStart= itself"),
        ("ExecStart=/usr/bin/dockerd $DOCKER_OPTS -H fd:// -l debug", nil),
        // F6
        ("ExecStart=/usr/bin/dockerd $DOCKER_OPTS\nUnsetEnvironment=HTTP_PROXY DOCKER_OPTS", "has UnsetEnvironment=DOCKER_OPTS"),
        // F7: two ExecStart= for a Type=notify service; none after a reset
        ("Type=notify\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\nExecStart=/usr/bin/true", "has 2 ExecStart= lines"),
        ("Type=oneshot\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\nExecStart=/usr/bin/true", "which does not pass $DOCKER_OPTS"),
        ("ExecStart=/usr/bin/dockerd $DOCKER_OPTS\nExecStart=", "has no ExecStart="),
    ]

    @Test(arguments: attack18)
    func execStartAsSystemdReadsIt(_ unit: String, _ problem: String?) {
        let found = problems([("/usr/lib/systemd/system/docker.service", "[Service]\nEnvironmentFile=/etc/sysconfig/docker\n" + unit + "\n")])
        if let problem {
            #expect(found.contains { $0.contains(problem) }, "\(found)")
        } else {
            #expect(found.isEmpty, "\(found)")
        }
    }

    /// Attack 19, D-F11: systemd takes C escapes in ExecStart= words (`\x24` is `$`), so
    /// `\x24DOCKER_OPTS` passes the options as `$DOCKER_OPTS` does.
    @Test func execStartWordsTakeCEscapes() {
        #expect(SystemdExecLine("/usr/bin/dockerd \\x24DOCKER_OPTS").passesSplit("DOCKER_OPTS"))
        #expect(SystemdExecLine("/usr/bin/dockerd \\044DOCKER_OPTS").passesSplit("DOCKER_OPTS"))
        #expect(SystemdExecLine("/usr/bin/dockerd a\\sb \\$DOCKER_OPTS").words == ["/usr/bin/dockerd", "a b", "$DOCKER_OPTS"])
        #expect(problems([("/u", "[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd \\x24DOCKER_OPTS\n")]).isEmpty)
    }

    @Test func environmentFilesAsSystemdTakesThem() {
        // F5: systemd refuses a path that is not normalized and reads nothing from it
        let dotted = problems([("/u", "[Service]\nEnvironmentFile=/etc/../etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n")])
        #expect(dotted.first?.contains("does not read /etc/sysconfig/docker as an EnvironmentFile= (it reads none)") == true, "\(dotted)")
        // F10: a specifier is expanded as systemd expands it (attack 18); one that depends on
        // the running host (%H) cannot be told from a tree, and is said so
        #expect(problems([("/u", "[Service]\nEnvironmentFile=/etc/sysconfig/%p\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n")]).isEmpty)
        let specifier = problems([("/u", "[Service]\nEnvironmentFile=/etc/sysconfig/%H\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n")])
        #expect(specifier.first?.hasPrefix("cannot tell which file docker.service's EnvironmentFile=/etc/sysconfig/%H (/u) names") == true, "\(specifier)")
        // F11: CRLF line ends
        #expect(problems([("/u", "[Service]\r\nEnvironmentFile=/etc/sysconfig/docker\r\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\r\n")]).isEmpty)
    }
}
