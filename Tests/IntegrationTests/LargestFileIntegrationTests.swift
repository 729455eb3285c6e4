import DockStoreCore
import Foundation
import Testing

/// Attack 35 Y C7: on ext4 (4 KiB blocks: no file larger than 16 TiB − 4 KiB) `grow --to 20T
/// --allow-overcommit` printed a dry run of three steps and exit 0, then the run failed with
/// "File too large"; `provision --size 20T` wrote its folder record and then refused. The
/// filesystem is asked while planning (an unnamed O_TMPFILE sized with ftruncate), so the dry
/// run and the run refuse alike (exit 2), naming the limit and a size that fits, before any
/// change.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct LargestFileIntegrationTests {
    static let ext4Largest: UInt64 = (1 << 44) - 4096

    /// The root's /var/lib on a fresh ext4 with 4 KiB blocks, whatever the test folder is on.
    func ext4VarLib(_ root: TestRoot) throws {
        try root.sh("truncate -s 256M '\(root.path)/host.ext4' && mkfs.ext4 -q -F -b 4096 '\(root.path)/host.ext4' && mkdir -p '\(root.path)/var/lib' && mount -o loop '\(root.path)/host.ext4' '\(root.path)/var/lib'")
    }

    func limitText(_ root: TestRoot, _ option: String, _ wanted: String) -> String {
        "the filesystem holding \(root.image) allows files of at most \(Self.ext4Largest) bytes, less than \(option) \(wanted); nothing was changed: give \(option) 16777215M or less\n"
    }

    @Test func provisionRefusesASizeTheHostFilesystemCannotHold() throws {
        try withTestRoot { root in
            try ext4VarLib(root)
            let before = root.snapshot()
            for arguments in [["provision", "--size", "20T", "--dry-run"], ["provision", "--size", "20T"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.last.map { "\($0)\n" } == "dockstore: " + limitText(root, "--size", "20 TiB (21990232555520 bytes)"),
                        "\(arguments): \(run.stdout)\(run.stderr)")
                #expect(run.stdout.isEmpty, "\(arguments): \(run.stdout)")
                #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
            }
            let fits = try root.dockstore(["provision", "--size", "16777215M", "--dry-run"])
            #expect(fits.status == 0 && fits.stdout.contains("16 TiB sparse"), "\(fits.stdout)\(fits.stderr)")
            // Attack 35 Z S1, S2: the limit is the filesystem's to the byte, whatever was asked.
            let exact = try root.dockstore(["provision", "--size", "\(Self.ext4Largest)", "--dry-run"])
            #expect(exact.status == 0, "\(exact.stdout)\(exact.stderr)")
            let above = try root.dockstore(["provision", "--size", "\(Self.ext4Largest + 1)", "--dry-run"])
            #expect(above.status == ExitStatus.refused.rawValue && above.stderr.contains("allows files of at most \(Self.ext4Largest) bytes, less than --size 16 TiB (\(Self.ext4Largest + 1) bytes)"),
                    "\(above.stdout)\(above.stderr)")
        }
    }

    @Test func growRefusesASizeTheHostFilesystemCannotHold() throws {
        try withTestRoot { root in
            try ext4VarLib(root)
            let provision = try root.dockstore(["provision", "--size", "256M"])
            try #require(provision.status == 0, "\(provision.stdout)\(provision.stderr)")
            for arguments in [["grow", "--to", "20T", "--allow-overcommit", "--dry-run"], ["grow", "--to", "20T", "--allow-overcommit"], ["grow", "--to", "20T"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderr == "dockstore: refusing: " + limitText(root, "--to", "20 TiB (21990232555520 bytes)"),
                        "\(arguments): \(run.stdout)\(run.stderr)")
                #expect(root.status(root.image)?.st_size == 256 << 20, "\(arguments): nothing was extended")
            }
            let fits = try root.dockstore(["grow", "--to", "16777215M", "--allow-overcommit", "--dry-run"])
            #expect(fits.status == 0 && fits.stdout.contains("to 16 TiB (sparse)"), "\(fits.stdout)\(fits.stderr)")
        }
    }
}
