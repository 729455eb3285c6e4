import DockStoreCore
import Foundation
import Testing

/// docker.service's files under a --root as systemd 252 looks them up (its search path, a
/// same-named drop-in in /etc masking one in /usr/lib, links to /dev/null masking), and what
/// status, backend and provision make of a unit that does not hand DOCKER_OPTS to dockerd
/// (outside attack 14, Y-READ-1/2). The boot tier's docker-unit scenario checks the same
/// precedence against systemd's own merge (systemctl show EnvironmentFiles).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DockerServiceReadingIntegrationTests {
    static let debian = "[Service]\nType=notify\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS\n"

    @Test func theFilesAreTakenInSystemdsOrder() throws {
        try withTestRoot { root in
            try root.write(root.path + "/lib/systemd/system/docker.service", Self.debian)
            try root.write(root.path + "/usr/lib/systemd/system/docker.service", "[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n")
            try root.write(root.path + "/usr/lib/systemd/system/docker.service.d/b.conf", "[Service]\nEnvironment=B=lib\n")
            try root.write(root.path + "/etc/systemd/system/docker.service.d/b.conf", "[Service]\nEnvironment=B=etc\n")
            try root.write(root.path + "/usr/lib/systemd/system/docker.service.d/a.conf", "[Service]\nEnvironment=A=1\n")
            try root.write(root.path + "/usr/lib/systemd/system/docker.service.d/c.conf", "[Service]\nEnvironment=C=1\n")
            try root.sh("ln -s /dev/null \(root.path)/etc/systemd/system/docker.service.d/c.conf")
            let host = try Host(root: root.path)
            let files = try SystemdUnitFiles.read("docker.service", on: host)
            #expect(files.unit?.path == "/usr/lib/systemd/system/docker.service", "/usr/lib comes before /lib")
            #expect(files.dropIns.map(\.path) == ["/usr/lib/systemd/system/docker.service.d/a.conf", "/etc/systemd/system/docker.service.d/b.conf"])
            try root.sh("ln -s /dev/null \(root.path)/etc/systemd/system/docker.service")
            #expect(try SystemdUnitFiles.read("docker.service", on: host).masked)
        }
    }

    @Test func statusBackendAndProvisionNameAUnitThatDoesNotReadTheSysconfig() throws {
        try withTestRoot { root in
            try root.write(root.path + "/lib/systemd/system/docker.service", Self.debian)
            try root.write(root.path + "/etc/default/docker", "DOCKER_OPTS=\"-s overlay2 --data-root=/srv/docker\"\n")
            let first = try root.dockstore(["provision", "--size", "1G"])
            #expect(first.status == 0, "\(first.stderr)")
            let problem = "docker.service does not read /etc/sysconfig/docker as an EnvironmentFile= (it reads /etc/default/docker (\(root.path)/lib/systemd/system/docker.service))"
            #expect(first.stderr.contains("warning: " + problem), "\(first.stderr)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains(problem), "\(status.stdout)")
            let backend = try root.dockstore(["backend"])
            #expect(backend.status == 4 && backend.stdout.contains(problem), "\(backend.stdout)")
            let set = try root.dockstore(["backend", "overlay2"])
            #expect(set.status == 0 && set.stderr.contains("warning: " + problem), "\(set.stderr)")
            let back = try root.dockstore(["backend", "btrfs"])
            #expect(back.status == 0 && back.stderr.contains("warning: " + problem), "\(back.stderr)")
            // the admin adds the file: all agree it is in place
            try root.write(root.path + "/etc/systemd/system/docker.service.d/sysconfig.conf", "[Service]\nEnvironmentFile=-/etc/sysconfig/docker\n")
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(try root.dockstore(["provision"]).stderr.isEmpty)
        }
    }

    /// Attack 18, A-F17 and A-F15: systemd applies a drop-in whatever its name (a space, a
    /// newline), so dockstore reads it too and shows its name on one line, never "choose a path";
    /// a required environment file with a value that is not UTF-8 is refused whole by systemd.
    @Test func dropInsWithAnyNameAndARequiredFileSystemdRefuses() throws {
        try withTestRoot { root in
            try root.write(root.path + "/usr/lib/systemd/system/docker.service", Self.suse)
            try root.write(root.path + "/etc/systemd/system/docker.service.d/my override.conf", "[Service]\nEnvironmentFile=-/etc/sysconfig/docker\n")
            try root.write(root.path + "/etc/systemd/system/docker.service.d/a\n  - all good.conf", "[Service]\nEnvironmentFile=/etc/docker-extra\n")
            try Data(Array("EXTRA=\"caf".utf8) + [0xE9] + Array("\"\n".utf8)).write(to: URL(fileURLWithPath: root.path + "/etc/docker-extra"))
            let host = try Host(root: root.path)
            let files = try SystemdUnitFiles.read("docker.service", on: host)
            #expect(files.dropIns.map(\.path) == ["/etc/systemd/system/docker.service.d/a\n  - all good.conf",
                                                  "/etc/systemd/system/docker.service.d/my override.conf"])
            let problems = DockerServiceReading.problems(on: host)
            #expect(!problems.contains { $0.contains("cannot tell") || $0.contains("choose a path") }, "\(problems)")
            #expect(problems.allSatisfy { !$0.contains("\n") }, "\(problems)")
            let refused = problems.first { $0.contains("EnvironmentFile=/etc/docker-extra") }
            #expect(refused?.contains("whose line 1 is not UTF-8: systemd refuses the whole file and Docker fails to start") == true, "\(problems)")
            #expect(refused?.contains("a\\n  - all good.conf") == true, "the drop-in shown escaped on one line: \(problems)")
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("whose line 1 is not UTF-8"), "\(status.stdout)")
            let json = try root.dockstore(["status", "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let service = object?["dockerService"] as? [String: Any]
            #expect(service?["unitFile"] as? String == "/usr/lib/systemd/system/docker.service", "\(json.stdout)")
            #expect(service?["environmentFiles"] as? [String] == ["/etc/sysconfig/docker", "/etc/docker-extra", "-/etc/sysconfig/docker"], "\(json.stdout)")
            #expect((service?["dropIns"] as? [String])?.count == 2, "\(json.stdout)")
        }
    }

    /// Attack 18, A-F1: systemd reads the `.d` folders of every name of the unit. docker.service
    /// a link to other.service takes other.service.d; an alias link dockerd.service to
    /// docker.service gives docker.service the drop-ins of dockerd.service.d (systemd 252 listed
    /// them in DropInPaths and dockerd started without DOCKER_OPTS in both cases).
    @Test func dropInsOfEveryNameOfTheUnitCount() throws {
        let reset = "[Service]\nEnvironmentFile=\n"
        let problem = "docker.service does not read /etc/sysconfig/docker as an EnvironmentFile="
        try withTestRoot { root in
            try root.write(root.path + "/usr/lib/systemd/system/other.service", Self.suse)
            try root.sh("mkdir -p \(root.path)/etc/systemd/system && ln -s /usr/lib/systemd/system/other.service \(root.path)/etc/systemd/system/docker.service")
            let host = try Host(root: root.path)
            #expect(DockerServiceReading.problems(on: host).isEmpty, "\(DockerServiceReading.problems(on: host))")
            try root.write(root.path + "/etc/systemd/system/other.service.d/x.conf", reset)
            #expect(try SystemdUnitFiles.read("docker.service", on: host).dropIns.map(\.path) == ["/etc/systemd/system/other.service.d/x.conf"])
            #expect(DockerServiceReading.problems(on: host).contains { $0.hasPrefix(problem) }, "\(DockerServiceReading.problems(on: host))")
            // the unit's id before its alias: of two x.conf, other.service.d's counts (the unit-oracle's seed 31)
            try root.write(root.path + "/etc/systemd/system/docker.service.d/x.conf", "[Service]\nEnvironment=A=1\n")
            #expect(try SystemdUnitFiles.read("docker.service", on: host).dropIns.map(\.path) == ["/etc/systemd/system/other.service.d/x.conf"])
        }
        try withTestRoot { root in
            try root.write(root.path + "/usr/lib/systemd/system/docker.service", Self.suse)
            try root.sh("mkdir -p \(root.path)/etc/systemd/system && ln -s /usr/lib/systemd/system/docker.service \(root.path)/etc/systemd/system/dockerd.service")
            let host = try Host(root: root.path)
            #expect(DockerServiceReading.problems(on: host).isEmpty, "\(DockerServiceReading.problems(on: host))")
            try root.write(root.path + "/etc/systemd/system/dockerd.service.d/x.conf", reset)
            #expect(try SystemdUnitFiles.read("docker.service", on: host).dropIns.map(\.path) == ["/etc/systemd/system/dockerd.service.d/x.conf"])
            #expect(DockerServiceReading.problems(on: host).contains { $0.hasPrefix(problem) }, "\(DockerServiceReading.problems(on: host))")
            // a link to another unit is no alias
            try root.write(root.path + "/usr/lib/systemd/system/containerd.service", "[Service]\nExecStart=/usr/bin/containerd\n")
            try root.sh("ln -s /usr/lib/systemd/system/containerd.service \(root.path)/etc/systemd/system/ctr.service")
            try root.write(root.path + "/etc/systemd/system/ctr.service.d/y.conf", reset)
            #expect(try SystemdUnitFiles.read("docker.service", on: host).dropIns.map(\.path) == ["/etc/systemd/system/dockerd.service.d/x.conf"])
        }
    }

    /// Attack 18, A-F7: a byte that is not UTF-8 in the unit file fails the unit (LoadState=error);
    /// in a drop-in it ends what systemd reads of that drop-in.
    @Test func aUnitFileOrDropInThatIsNotUTF8() throws {
        try withTestRoot { root in
            let unit = root.path + "/usr/lib/systemd/system/docker.service"
            try root.write(unit, "")
            try Data(Array("[Unit]\nDescription=Docker caf".utf8) + [0xE9] + Array("\n".utf8) + Array(Self.suse.utf8)).write(to: URL(fileURLWithPath: unit))
            let host = try Host(root: root.path)
            let problems = DockerServiceReading.problems(on: host)
            #expect(problems == ["docker.service cannot be loaded: \(unit) line 2 is not UTF-8, and systemd fails the whole unit on it (LoadState=error); correct or remove that line; Docker does not start at all"], "\(problems)")
            try root.write(unit, Self.suse)
            #expect(DockerServiceReading.problems(on: host).isEmpty)
            let dropIn = root.path + "/etc/systemd/system/docker.service.d/x.conf"
            try root.write(dropIn, "")
            try Data(Array("[Service]\nEnvironmentFile=\nEnvironment=A=caf".utf8) + [0xE9] + Array("\nEnvironmentFile=/etc/sysconfig/docker\n".utf8)).write(to: URL(fileURLWithPath: dropIn))
            let cut = DockerServiceReading.problems(on: host)
            #expect(cut.contains("docker.service: \(dropIn) line 3 is not UTF-8: systemd stops reading that drop-in there and ignores the rest of it; correct or remove that line"), "\(cut)")
            #expect(cut.contains { $0.hasPrefix("docker.service does not read /etc/sysconfig/docker as an EnvironmentFile=") }, "the reset before the bad line holds, the line after it is not read: \(cut)")
        }
    }

    /// Attack 18, A-F10: systemd 252 expands an EnvironmentFile= glob and its specifiers. `%p`
    /// and `docke[r]` read the sysconfig file; `dock*` also reads dockstore's own backup after it,
    /// whose older DOCKER_OPTS then win (O26): that is said, naming the backup.
    @Test func globsAndSpecifiersInEnvironmentFileAreExpanded() throws {
        let unit = { (line: String) in "[Service]\n\(line)\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n" }
        try withTestRoot { root in
            try root.write(root.path + "/etc/sysconfig/docker", "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            let host = try Host(root: root.path)
            for line in ["EnvironmentFile=/etc/sysconfig/%p", "EnvironmentFile=-/etc/sysconfig/docke[r]", "EnvironmentFile=-%E/sysconfig/%N"] {
                try root.write(root.path + "/usr/lib/systemd/system/docker.service", unit(line))
                #expect(DockerServiceReading.problems(on: host).isEmpty, "\(line): \(DockerServiceReading.problems(on: host))")
            }
            try root.write(root.path + "/usr/lib/systemd/system/docker.service", unit("EnvironmentFile=-/etc/sysconfig/dock*"))
            #expect(DockerServiceReading.problems(on: host).isEmpty, "\(DockerServiceReading.problems(on: host))")
            try root.write(root.path + "/etc/sysconfig/docker.dockstore.bak", "DOCKER_OPTS=\"--storage-driver=vfs\"\n")
            let problems = DockerServiceReading.problems(on: host)
            #expect(problems.contains { $0.contains("reads /etc/sysconfig/docker.dockstore.bak") && $0.contains("sets DOCKER_OPTS again") }, "\(problems)")
            try root.write(root.path + "/usr/lib/systemd/system/docker.service", unit("EnvironmentFile=-/etc/%H/docker"))
            #expect(DockerServiceReading.problems(on: host).contains { $0.hasPrefix("cannot tell which file docker.service's EnvironmentFile=/etc/%H/docker") }, "\(DockerServiceReading.problems(on: host))")
        }
    }

    /// Attack 18, A-F8 (O64, O65): a unit's own drop-in masks a type-wide `service.d` one of
    /// the same file name wherever each lies; systemd 252 applied only the unit's.
    @Test func aUnitsOwnDropInMasksATypeWideOneOfTheSameName() throws {
        let debian = "[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n"
        try withTestRoot { root in
            try root.write(root.path + "/usr/lib/systemd/system/docker.service", debian)
            try root.write(root.path + "/usr/lib/systemd/system/docker.service.d/x.conf", "[Service]\nEnvironmentFile=/etc/sysconfig/docker\n")
            try root.write(root.path + "/etc/systemd/system/service.d/x.conf", "[Service]\nEnvironment=A=1\n")
            try root.write(root.path + "/etc/sysconfig/docker", "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            let host = try Host(root: root.path)
            #expect(try SystemdUnitFiles.read("docker.service", on: host).dropIns.map(\.path) == ["/usr/lib/systemd/system/docker.service.d/x.conf"])
            #expect(DockerServiceReading.problems(on: host).isEmpty, "\(DockerServiceReading.problems(on: host))")
        }
        try withTestRoot { root in
            try root.write(root.path + "/usr/lib/systemd/system/docker.service", Self.suse)
            try root.write(root.path + "/etc/systemd/system/service.d/x.conf", "[Service]\nEnvironmentFile=\n")
            try root.write(root.path + "/etc/systemd/system/docker.service.d/x.conf", "[Service]\nEnvironment=A=1\n")
            try root.write(root.path + "/etc/sysconfig/docker", "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            let host = try Host(root: root.path)
            #expect(try SystemdUnitFiles.read("docker.service", on: host).dropIns.map(\.path) == ["/etc/systemd/system/docker.service.d/x.conf"])
            #expect(DockerServiceReading.problems(on: host).isEmpty, "\(DockerServiceReading.problems(on: host))")
        }
    }

    static let suse = "[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd --add-runtime oci=/usr/sbin/runc $DOCKER_NETWORK_OPTIONS $DOCKER_OPTS\n"

    /// A later EnvironmentFile= is read as systemd reads it (a value runs to the end of its line,
    /// `$` is no expansion), not as bash: a line bash would expand still sets DOCKER_OPTS.
    @Test func aLaterEnvironmentFileThatSetsDockerOptsAndAMaskedUnit() throws {
        try withTestRoot { root in
            try root.write(root.path + "/usr/lib/systemd/system/docker.service", Self.suse)
            try root.write(root.path + "/etc/systemd/system/docker.service.d/proxy.conf", "[Service]\nEnvironmentFile=-/etc/docker/proxy.env\n")
            try root.write(root.path + "/etc/docker/proxy.env", "HTTP_PROXY=http://proxy:3128\n")
            try #require(try root.dockstore(["provision", "--size", "1G"]).stderr.isEmpty, "a later file without DOCKER_OPTS is fine")
            #expect(try root.dockstore(["status"]).status == 0)
            try root.write(root.path + "/etc/docker/proxy.env", "HTTP_PROXY=http://proxy:3128\nDOCKER_OPTS=$EXTRA -s overlay2 # was vfs\n")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout)")
            #expect(status.stdout.contains("docker.service reads /etc/docker/proxy.env (\(root.path)/etc/systemd/system/docker.service.d/proxy.conf) after /etc/sysconfig/docker, and it sets DOCKER_OPTS again"), "\(status.stdout)")
            // an absolute link in the tree means a path in the tree, never the host's file
            try root.sh("rm \(root.path)/etc/docker/proxy.env && ln -s /etc/docker/elsewhere.env \(root.path)/etc/docker/proxy.env")
            #expect(try root.dockstore(["status"]).status == 0, "the link's target in the tree does not exist: nothing sets DOCKER_OPTS")
            try root.sh("ln -s /dev/null \(root.path)/etc/systemd/system/docker.service")
            let masked = try root.dockstore(["status"])
            #expect(masked.status == 4 && masked.stdout.contains("docker.service is masked"), "\(masked.stdout)")
            #expect(try root.dockstore(["provision"]).stderr.contains("warning: docker.service is masked"))
        }
    }
}
