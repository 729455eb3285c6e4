import DockStoreCore
import Foundation
import Testing

/// Outside attack on issue 15 ("lost update"): a file step wrote the bytes computed at planning
/// time, so a line another program (cloud-init's mounts module, an admin) added to the file
/// while dockstore ran was silently dropped. Each case stops dockstore right before the file
/// step (`DOCKSTORE_PAUSE=step:stop`), changes the file, lets it go on: the step refuses with
/// exit 2 and leaves the file as the other program wrote it, with no backup or temp file
/// written; a re-run plans from the new contents and keeps the other program's line.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct LostUpdateIntegrationTests {
    static let adminFstabLine = "UUID=1234-admin /data ext4 defaults 0 2\n"
    static let proxyLine = "HTTP_PROXY=\"http://proxy:3128\"\n"

    func bytes(_ file: String) -> [UInt8]? { FileManager.default.contents(atPath: file).map { Array($0) } }

    func append(_ text: String, to file: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Runs `arguments` stopped before `step`, lets `change` write `file` meanwhile, and checks
    /// the refusal; then runs them again and returns the file's text after that re-run.
    func refusedThenRerun(_ root: TestRoot, _ arguments: [String], step: String, file: String,
                          change: (String) throws -> Void) throws -> String {
        let path = root.path + file
        let backupBefore = bytes(path + ".dockstore.bak")
        var left: [UInt8]? = nil
        let result = try root.runStopped(arguments, before: step) {
            try change(path)
            left = bytes(path)
        }
        #expect(result.status == ExitStatus.refused.rawValue, "\(arguments) \(step): \(result.stderr)")
        #expect(result.stderr.contains("\(file) changed since dockstore read it (another program wrote it); nothing was written to it: re-run"),
                "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(bytes(path) == left, "the file is as the other program left it")
        #expect(bytes(path + ".dockstore.bak") == backupBefore, "no backup was written")
        let name = (file as NSString).lastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        let temps = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".\(name).dockstore-") }
        #expect(temps.isEmpty, "no temp file left: \(temps)")
        let again = try root.dockstore(arguments)
        #expect(again.status == 0, "a re-run succeeds: \(again.stderr)")
        return root.read(path) ?? ""
    }

    @Test func provisionKeepsAnFstabLineAddedMeanwhile() throws {
        try withTestRoot { root in
            let fstab = try refusedThenRerun(root, ["provision", "--size", "256M"], step: "fstab", file: "/etc/fstab") {
                try root.sh("echo '\(Self.adminFstabLine.dropLast())' >> '\($0)'")
            }
            #expect(fstab.contains(Self.adminFstabLine) && fstab.contains("docker-storage.btrfs"), "\(fstab)")
        }
        reliability("provision keeps an fstab line another program added during the run", cases: 1, runs: 2)
    }

    @Test func teardownKeepsAnFstabLineAddedMeanwhile() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let fstab = try refusedThenRerun(root, ["teardown"], step: "fstab", file: "/etc/fstab") {
                try append(Self.adminFstabLine, to: $0)
            }
            #expect(fstab.contains(Self.adminFstabLine) && !fstab.contains("docker-storage.btrfs"), "\(fstab)")
        }
    }

    @Test func provisionKeepsASysconfigLineAddedMeanwhile() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/etc/sysconfig'")
            try root.write(root.path + "/etc/sysconfig/docker", "A=1\n")
            let sysconfig = try refusedThenRerun(root, ["provision", "--size", "256M"], step: "sysconfig", file: "/etc/sysconfig/docker") {
                try append(Self.proxyLine, to: $0)
            }
            #expect(sysconfig.contains(Self.proxyLine) && sysconfig.contains("A=1") && sysconfig.contains("btrfs"), "\(sysconfig)")
        }
    }

    @Test func teardownKeepsASysconfigLineAddedMeanwhile() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/etc/sysconfig'")
            try root.write(root.path + "/etc/sysconfig/docker", "A=1\n")
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let sysconfig = try refusedThenRerun(root, ["teardown"], step: "sysconfig", file: "/etc/sysconfig/docker") {
                try append(Self.proxyLine, to: $0)
            }
            #expect(sysconfig.contains(Self.proxyLine) && sysconfig.contains("A=1") && !sysconfig.contains("btrfs"), "\(sysconfig)")
        }
    }

    @Test func provisionKeepsADaemonJSONKeyWrittenMeanwhile() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/etc/docker'")
            // Storage options only: a storage-driver of another driver is refused before any write.
            try root.write(root.path + "/etc/docker/daemon.json", #"{"storage-opts":["overlay2.size=1G"],"debug":true}"#)
            let json = try refusedThenRerun(root, ["provision", "--size", "256M"], step: "daemon-json", file: "/etc/docker/daemon.json") {
                try root.write($0, #"{"storage-opts":["overlay2.size=1G"],"debug":true,"log-level":"warn"}"#)
            }
            #expect(json.contains(#""log-level":"warn""#) && json.contains(#""debug":true"#) && !json.contains("storage-opts"), "\(json)")
        }
    }

    @Test func backendKeepsASysconfigLineAddedMeanwhile() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let sysconfig = try refusedThenRerun(root, ["backend", "overlay2"], step: "sysconfig", file: "/etc/sysconfig/docker") {
                try append(Self.proxyLine, to: $0)
            }
            #expect(sysconfig.contains(Self.proxyLine) && sysconfig.contains("overlay2"), "\(sysconfig)")
        }
    }

    /// A file that did not exist when the plan was made and exists now is a change too.
    @Test func provisionRefusesADropInCreatedMeanwhile() throws {
        try withTestRoot { root in
            let other = DockerDropIn.render(mountpoint: try HostPath("/srv/other", what: "the mountpoint"), on: try Host(root: root.path))
            let dropIn = try refusedThenRerun(root, ["provision", "--size", "256M"], step: "drop-in",
                                              file: "/etc/systemd/system/docker.service.d/dockstore.conf") {
                try root.sh("mkdir -p \"$(dirname '\($0)')\"")
                try root.write($0, other)
            }
            let afterFolderRecord = String(decoding: DockerDropIn.createdFolders(in: Array(dropIn.utf8)).rest, as: UTF8.self)
            #expect(afterFolderRecord == DockerDropIn.render(mountpoint: try HostPath("/var/lib/docker", what: "the mountpoint"), on: try Host(root: root.path)), "\(dropIn)")
        }
    }
}
