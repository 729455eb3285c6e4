import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The fifth outside attack on issue 15: a name a write renames onto (a backup that is a folder
/// or immutable) or a filesystem with bytes but no inodes was found only after the image was
/// made and mounted. Now every changing command refuses it before its first step (exit 2, one
/// line, the tree as it was); debris removal keeps what dockstore cannot have made; teardown
/// says which created folder it kept, and why.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct RenameTargetIntegrationTests {
    static let etcWithoutInodes = "cp -a $R/etc $R/etc.copy && mount -t tmpfs -o size=4m,nr_inodes=64,mode=0755 tmpfs $R/etc && cp -a $R/etc.copy/. $R/etc/ && rm -rf $R/etc.copy"
    static let fillInodes = "i=0; while touch $R/etc/f$i 2>/dev/null; do i=$((i+1)); done"

    /// (setup before provision, what the one line must say)
    static let provisionCases: [(String, String)] = [
        ("printf '# f\\n' > $R/etc/fstab && mkdir $R/etc/fstab.dockstore.bak && touch $R/etc/fstab.dockstore.bak/keep",
         "/etc/fstab.dockstore.bak is a folder, where dockstore keeps the backup of"),
        ("printf 'DOCKER_OPTS=\"\"\\n' > $R/etc/sysconfig/docker && mkdir $R/etc/sysconfig/docker.dockstore.bak",
         "/etc/sysconfig/docker.dockstore.bak is a folder, where dockstore keeps the backup of"),
        ("printf '# f\\n' > $R/etc/fstab && printf '# old\\n' > $R/etc/fstab.dockstore.bak && chattr +i $R/etc/fstab.dockstore.bak",
         "/etc/fstab.dockstore.bak is immutable (chattr +i), where dockstore keeps the backup of"),
        ("\(etcWithoutInodes) && printf '# f\\n' > $R/etc/fstab && \(fillInodes)", "free inodes, fewer than the"),
    ]

    func refuses(_ root: TestRoot, _ arguments: [String], _ says: String) throws {
        let before = root.snapshot()
        let mounts = root.mounts().count
        let result = try root.dockstore(arguments)
        #expect(result.status == ExitStatus.refused.rawValue, "\(arguments): \(result.stdout) \(result.stderr)")
        // Warnings come on lines of their own before the error.
        #expect(result.stderrLines.filter { !$0.hasPrefix("dockstore: warning:") }.count == 1, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(says) && result.stderr.contains("nothing was changed"), "\(arguments): \(result.stderr)")
        #expect(root.changes(since: before) == [], "\(arguments): nothing changed")
        #expect(root.mounts().count == mounts, "\(arguments): nothing mounted")
    }

    @Test(arguments: provisionCases)
    func provisionRefusesBeforeMakingTheImage(_ setup: String, _ says: String) throws {
        try withTestRoot { root in
            try root.sh("R=\(root.path); mkdir -p $R/etc/sysconfig && \(setup)")
            try refuses(root, ["provision", "--size", "256M"], says)
            #expect(root.status(root.image) == nil, "no image was made")
        }
    }

    @Test func backendRefusesABackupNameThatIsAFolder() throws {
        try withTestRoot { root in
            try root.sh("R=\(root.path); mkdir -p $R/etc/sysconfig/docker.dockstore.bak && printf 'DOCKER_OPTS=\"\"\\n' > $R/etc/sysconfig/docker")
            try refuses(root, ["backend", "vfs"], "/etc/sysconfig/docker.dockstore.bak is a folder, where dockstore keeps the backup of")
        }
    }

    @Test func teardownRefusesABackupNameThatIsAFolder() throws {
        try withTestRoot { root in
            try root.sh("printf '# f\\n' > \(root.fstab)")
            let provision = try root.dockstore(["provision", "--size", "256M"])
            try #require(provision.status == 0, "\(provision.stderr)")
            try root.sh("rm -f \(root.fstab).dockstore.bak && mkdir \(root.fstab).dockstore.bak")
            try refuses(root, ["teardown", "--delete-image"], "/etc/fstab.dockstore.bak is a folder, where dockstore keeps the backup of")
        }
    }

    @Test func teardownRefusesWhenEtcHasNoInodesLeft() throws {
        try withTestRoot { root in
            try root.sh("R=\(root.path); \(Self.etcWithoutInodes)")
            let provision = try root.dockstore(["provision", "--size", "256M"])
            try #require(provision.status == 0, "\(provision.stderr)")
            try root.sh("R=\(root.path); \(Self.fillInodes)")
            try refuses(root, ["teardown", "--delete-image"], "free inodes, fewer than the")
        }
    }

    @Test func migrateEBSRefusesABackupNameThatIsAFolder() throws {
        try withTestRoot { root in
            let provision = try root.dockstore(["provision", "--size", "256M"])
            try #require(provision.status == 0, "\(provision.stderr)")
            let disk = try root.sh("truncate -s 1G \(root.path)/ebs.img && losetup -f --show \(root.path)/ebs.img")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try root.sh("rm -f \(root.fstab).dockstore.bak && mkdir \(root.fstab).dockstore.bak")
            try refuses(root, ["migrate-ebs", disk, "--yes"], "/etc/fstab.dockstore.bak is a folder, where dockstore keeps the backup of")
        }
    }

    /// A symlink to the host's files, a hard link of another file and a FIFO named like a temp
    /// file of a dead process are not dockstore's: provision keeps them; a real one it removes.
    @Test func debrisRemovalKeepsWhatDockstoreCannotHaveMade() throws {
        try withTestRoot { root in
            let etc = root.path + "/etc"
            try root.sh("""
                printf '# f\\n' > \(etc)/fstab && echo secret > \(etc)/passwd
                ln -s /etc/passwd \(etc)/.fstab.dockstore-4194401-0
                ln \(etc)/passwd \(etc)/.fstab.dockstore-4194402-0
                mkfifo \(etc)/.fstab.dockstore-4194403-0
                echo half > \(etc)/.fstab.dockstore-04194404-0
                echo half > \(etc)/.fstab.dockstore-4194405-0
                """)
            let result = try root.dockstore(["provision", "--size", "256M"])
            #expect(result.status == 0, "\(result.stderr)")
            let names = Set(try FileManager.default.contentsOfDirectory(atPath: etc))
            for kept in ["4194401", "4194402", "4194403", "04194404"] {
                #expect(names.contains(".fstab.dockstore-\(kept)-0"), "\(kept) kept: \(names.sorted())")
            }
            #expect(!names.contains(".fstab.dockstore-4194405-0"), "a dead write's temp file is removed: \(names.sorted())")
            #expect(root.read(etc + "/passwd") == "secret\n")
        }
    }

    /// Without /etc, provision creates it; teardown leaves dockstore.disabled there, so /etc
    /// stays, and teardown says so instead of reporting its removal.
    @Test func teardownSaysWhichCreatedFolderItKept() throws {
        try withTestRoot { root in
            try root.sh("rmdir \(root.path)/etc")
            let provision = try root.dockstore(["provision", "--size", "256M"])
            try #require(provision.status == 0, "\(provision.stderr)")
            let teardown = try root.dockstore(["teardown", "--delete-image"])
            #expect(teardown.status == 0, "\(teardown.stderr)")
            let folderLines = teardown.stdout.split(separator: "\n").filter { $0.hasPrefix("[folders]") }
            #expect(folderLines.contains { $0 == "[folders] kept \(root.path)/etc: it is not empty (it holds dockstore.disabled)" }, "\(teardown.stdout)")
            #expect(!folderLines.contains { $0.contains("remove") && ($0.hasSuffix(root.path + "/etc") || $0.contains(root.path + "/etc,")) }, "\(teardown.stdout)")
            #expect(root.status(root.path + "/etc/dockstore.disabled") != nil)
        }
    }
}
