import DockStoreCore
import Foundation
import Testing

/// Attack 54 Y E-bind-docker-dir, E-bind-srv-configfile: another tree's folder bound onto the
/// folder of a file dockstore writes, one no command named among its paths (etc/docker, the
/// config file DOCKER_OPTS names), and backend rewrote the other tree's daemon.json and left
/// its backup there. Every file a plan writes is now asked (`WritePreflight`), and the lock
/// file too before it is made: each command refuses naming the bind, and neither tree changes.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ForeignFolderOfAWrittenFileIntegrationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var folder: String
        var sysconfig: String
        var commands: [[String]]
        var testDescription: String { folder }
    }

    static let cases = [
        Case(folder: "etc/docker", sysconfig: "DOCKER_OPTS=\"\"\n",
             commands: [["backend", "vfs"], ["backend", "vfs", "--dry-run"]]),
        Case(folder: "srv", sysconfig: "DOCKER_OPTS=\"--config-file=/srv/daemon.json\"\n",
             commands: [["backend", "vfs"]]),
        Case(folder: "etc/systemd/system", sysconfig: "DOCKER_OPTS=\"\"\n", commands: [["provision", "--size", "256M"]]),
        Case(folder: "run", sysconfig: "DOCKER_OPTS=\"\"\n", commands: [["backend", "vfs"], ["provision", "--size", "256M"]]),
    ]

    @Test(arguments: cases)
    func anotherTreesFolderBoundWhereAFileIsWrittenIsRefused(_ row: Case) throws {
        try withTestRoot { root in try withTestRoot { other in
            try root.sh("mkdir -p '\(root.path)/etc/sysconfig' '\(root.path)/\(row.folder)' '\(other.path)/\(row.folder)'")
            try root.write(root.sysconfig, row.sysconfig)
            let daemonJSON = row.folder == "srv" ? "\(other.path)/srv/daemon.json" : "\(other.path)/etc/docker/daemon.json"
            if row.folder == "etc/docker" || row.folder == "srv" { try other.write(daemonJSON, "{\"storage-driver\": \"overlay2\"}\n") }
            try root.sh("mount --bind '\(other.path)/\(row.folder)' '\(root.path)/\(row.folder)'")
            defer { _ = try? root.sh("umount '\(root.path)/\(row.folder)'") }
            let (theirs, ours) = (other.snapshot(), root.snapshot())
            let said = "refusing: \(root.path)/\(row.folder) inside \(root.path) is a mount of the folder \(other.path)/\(row.folder) of "
            for arguments in row.commands {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1 && run.stderr.contains(said),
                        "\(arguments): \(run.status) \(run.stdout)\(run.stderr)")
                #expect(other.changes(since: theirs).isEmpty, "\(arguments): the other tree changed: \(other.changes(since: theirs))")
                #expect(root.changes(since: ours).isEmpty, "\(arguments): this tree changed: \(root.changes(since: ours))")
                #expect(root.loopDevices().isEmpty, "\(arguments): a loop device was attached")
            }
        } }
    }

    /// Attack 55 Z 5: another tree's run/ bound in, its lock file already there, was refused only
    /// when the lock had to be made: with it there every command took the other tree's lock, and
    /// reclaim's dry run went on where the run refused. Its etc/sysconfig, whose settings name
    /// the image, is as foreign. Every command refuses naming the bind, dry runs too, check says
    /// it (UNKNOWN), and nothing changes on either side.
    @Test(arguments: ["run", "etc/sysconfig"])
    func anotherTreesFolderOfWhatEveryCommandConsultsIsRefused(_ folder: String) throws {
        try withTestRoot { root in try withTestRoot { other in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.sh("mkdir -p '\(other.path)/\(folder)' && cp -a '\(root.path)/\(folder)/.' '\(other.path)/\(folder)/' && touch '\(other.path)/run/dockstore.lock'")
            try root.sh("mount --bind '\(other.path)/\(folder)' '\(root.path)/\(folder)'")
            defer { _ = try? root.sh("umount '\(root.path)/\(folder)'") }
            let (theirs, ours) = (other.snapshot(), root.snapshot())
            let said = "\(root.path)/\(folder) inside \(root.path) is a mount of the folder \(other.path)/\(folder) of "
            for arguments in [["grow", "--to", "512M"], ["grow", "--to", "512M", "--dry-run"], ["reclaim"], ["reclaim", "--dry-run"], ["backend", "vfs"],
                              ["teardown", "--dry-run"], ["teardown"], ["provision"], ["provision", "--dry-run"], ["migrate-ebs", "/dev/loop0", "--dry-run"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1 && run.stderr.contains(said),
                        "\(arguments): \(run.status) \(run.stdout)\(run.stderr)")
            }
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && check.stdout.contains(said), "\(check.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains(said), "\(status.stdout)\(status.stderr)")
            #expect(other.changes(since: theirs).isEmpty, "the other tree changed: \(other.changes(since: theirs))")
            #expect(root.changes(since: ours).isEmpty, "this tree changed: \(root.changes(since: ours))")
        } }
    }
}
