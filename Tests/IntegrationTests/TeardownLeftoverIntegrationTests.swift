import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `teardown --delete-image` takes down what dockstore's own unfinished work left beside the
/// image (`ImageLeftover`): the image a killed provision did not finish (`.dockstore-new`) and
/// the one a move renamed and did not get to unlink (`.dockstore-deleted`). After a teardown
/// no boot provision runs to remove them (issue 15, items 5 and 6: the attack's D1 and D8).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownLeftoverIntegrationTests {
    /// Every entry under the root (kind and path), the run's output files left out.
    func tree(_ root: TestRoot) throws -> [String] {
        try root.sh("cd '\(root.path)' && find . -xdev \\( -name '.out-*' -o -name '.err-*' \\) -prune -o -printf '%y %p\\n' | LC_ALL=C sort")
            .split(separator: "\n").map(String.init)
    }

    /// What teardown leaves on purpose: the boot switch and the run lock.
    let leftBehind = ["f ./etc/dockstore.disabled", "f ./run/dockstore.lock"]

    func expectedAfter(_ before: [String]) -> [String] { (before + leftBehind).sorted() }

    /// D1: provision killed right after [format] leaves only the 1 GiB temporary image; teardown
    /// --delete-image removes it and the tree is as before provision.
    @Test func theImageAKilledProvisionLeftUnfinishedIsDeleted() throws {
        try withTestRoot { root in
            let before = try tree(root)
            let unfinished = root.image + UnfinishedImage.suffix
            let killed = try root.dockstore(["provision", "--size", "1G", "--thick"], environment: ["DOCKSTORE_FAILPOINT": "format"])
            try #require(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            try #require(root.status(unfinished) != nil)
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[delete-image] delete \(unfinished) (an image a killed provision left unfinished, 1 GiB allocated)"), "\(down.stdout)")
            #expect(down.stderr.isEmpty, "\(down.stderr)")
            #expect(try tree(root) == expectedAfter(before))
            #expect(root.loopDevices().isEmpty)
        }
    }

    /// D8: the retired image a move let go of, left by a crash before its unlink, goes with
    /// the store's own image; the tree is as before provision.
    @Test func theImageAMoveLetGoOfIsDeleted() throws {
        try withTestRoot { root in
            let before = try tree(root)
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let retired = root.image + RetiredImage.suffix
            try root.sh("truncate -s 300M '\(retired)'")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[delete-image] delete \(root.image)\n"), "\(down.stdout)")
            #expect(down.stdout.contains("[delete-image] delete \(retired) (an image a migrate-ebs move let go of)"), "\(down.stdout)")
            #expect(try tree(root) == expectedAfter(before))
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty)
        }
    }

    /// A leftover a loop device holds: --delete-image refuses before anything changes (exit 2,
    /// one line naming it and losetup -d); once detached, the same command finishes.
    @Test func aLeftoverALoopDeviceHoldsRefusesWithNothingChanged() throws {
        for which in ImageLeftover.Which.allCases {
            try withTestRoot { root in
                try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
                let leftover = root.image + which.suffix
                try root.sh("truncate -s 64M '\(leftover)'")
                let loop = try root.sh("losetup -f --show '\(leftover)'").trimmingCharacters(in: .whitespacesAndNewlines)
                let before = root.snapshot()
                let held = try root.dockstore(["teardown", "--delete-image"])
                #expect(held.status == 2, "\(which): \(held.stdout) \(held.stderr)")
                #expect(held.stderrLines.map(String.init) == ["dockstore: refusing: \(leftover) (\(which.what)) is attached to \(loop); nothing was changed: detach it (losetup -d \(loop)) if nothing uses it, and re-run teardown --delete-image"],
                        "\(which): \(held.stderr)")
                #expect(held.stdout.isEmpty, "\(which): \(held.stdout)")
                #expect(root.changes(since: before) == [], "\(which)")
                _ = try root.sh("losetup -d \(loop)")
                let done = try root.dockstore(["teardown", "--delete-image"])
                #expect(done.status == 0, "\(which): \(done.stderr)")
                #expect(root.status(leftover) == nil && root.status(root.image) == nil, "\(which)")
            }
        }
    }

    /// Without --delete-image the leftovers stay with the image, and teardown says so, and how
    /// to remove them; a folder under a leftover's name is never dockstore's and stays too.
    @Test func withoutDeleteImageTheLeftoversAreKeptAndNamed() throws {
        try withTestRoot { root in
            let killed = try root.dockstore(["provision", "--size", "256M", "--thick"], environment: ["DOCKSTORE_FAILPOINT": "format"])
            try #require(killed.signal == SIGKILL)
            let unfinished = root.image + UnfinishedImage.suffix
            let retired = root.image + RetiredImage.suffix
            try root.sh("truncate -s 64M '\(retired)'")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("kept \(unfinished) (an image a killed provision left unfinished, 256 MiB allocated): remove it with teardown --delete-image\n"), "\(down.stdout)")
            #expect(down.stdout.contains("kept \(retired) (an image a migrate-ebs move let go of): remove it with teardown --delete-image\n"), "\(down.stdout)")
            #expect(root.status(unfinished) != nil && root.status(retired) != nil)
            let again = try root.dockstore(["teardown"])
            #expect(again.stdout.contains("nothing to do") && again.stdout.contains("kept \(unfinished)"), "a second run still names them: \(again.stdout)")
            let deleted = try root.dockstore(["teardown", "--delete-image"])
            #expect(deleted.status == 0, "\(deleted.stderr)")
            #expect(root.status(unfinished) == nil && root.status(retired) == nil)
        }
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let folder = root.image + UnfinishedImage.suffix
            try root.sh("mkdir '\(folder)' && echo keep > '\(folder)/file'")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("kept \(folder): it is a folder, not an image a killed provision left unfinished; dockstore never made it, so it does not remove it: look at it\n"), "\(down.stdout)")
            #expect(root.read(folder + "/file") == "keep\n")
            #expect(root.status(root.image) == nil)
        }
    }

    /// --dry-run lists each leftover's deletion as a step and changes nothing.
    @Test func dryRunListsTheLeftovers() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let unfinished = root.image + UnfinishedImage.suffix
            let retired = root.image + RetiredImage.suffix
            try root.sh("truncate -s 64M '\(unfinished)' '\(retired)'")
            let before = root.snapshot()
            let dry = try root.dockstore(["teardown", "--delete-image", "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let lines = dry.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasSuffix("[delete-image] delete \(unfinished) (an image a killed provision left unfinished)") }, "\(dry.stdout)")
            #expect(lines.contains { $0.hasSuffix("[delete-image] delete \(retired) (an image a migrate-ebs move let go of)") }, "\(dry.stdout)")
            #expect(root.changes(since: before) == [])
        }
    }

    /// Killed right after the first leftover's deletion (its failpoint is delete-image): the
    /// re-run deletes the rest.
    @Test func aKillAfterADeletionIsFinishedByTheNextRun() throws {
        try withTestRoot { root in
            let before = try tree(root)
            let killed = try root.dockstore(["provision", "--size", "256M"], environment: ["DOCKSTORE_FAILPOINT": "format"])
            try #require(killed.signal == SIGKILL)
            try root.sh("truncate -s 64M '\(root.image + RetiredImage.suffix)'")
            let crashed = try root.dockstore(["teardown", "--delete-image"], environment: ["DOCKSTORE_FAILPOINT": "delete-image"])
            #expect(crashed.signal == SIGKILL, "\(crashed.stdout) \(crashed.stderr)")
            #expect(root.status(root.image + UnfinishedImage.suffix) == nil, "the first deletion happened")
            #expect(root.status(root.image + RetiredImage.suffix) != nil, "the kill came before the second")
            let rerun = try root.dockstore(["teardown", "--delete-image"])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try tree(root) == expectedAfter(before))
        }
    }

    /// The deletion re-checks the leftover at the moment it acts: a file put at its name since
    /// the plan is kept (exit 2), and so is one a loop device was attached to since.
    @Test func theDeletionRechecksTheLeftoverAsItActs() throws {
        try withTestRoot { root in
            let killed = try root.dockstore(["provision", "--size", "256M"], environment: ["DOCKSTORE_FAILPOINT": "format"])
            try #require(killed.signal == SIGKILL)
            let unfinished = root.image + UnfinishedImage.suffix
            let replaced = try root.runStopped(["teardown", "--delete-image"], before: "delete-image") {
                // Made before the rename, so it cannot reuse the leftover's inode number.
                _ = try root.sh("echo other > '\(unfinished).swap' && mv '\(unfinished).swap' '\(unfinished)'")
            }
            #expect(replaced.status == 2, "\(replaced.stderr)")
            #expect(replaced.stderr == "dockstore: \(unfinished) is another file than an image a killed provision left unfinished teardown looked at (it was replaced); not deleting it: look at it and re-run\n")
            #expect(root.read(unfinished) == "other\n", "the file put there since is kept")
        }
        try withTestRoot { root in
            let killed = try root.dockstore(["provision", "--size", "256M"], environment: ["DOCKSTORE_FAILPOINT": "format"])
            try #require(killed.signal == SIGKILL)
            let unfinished = root.image + UnfinishedImage.suffix
            var loop = ""
            let held = try root.runStopped(["teardown", "--delete-image"], before: "delete-image") {
                loop = try root.sh("losetup -f --show '\(unfinished)'").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(held.status == 2, "\(held.stderr)")
            #expect(held.stderr == "dockstore: \(unfinished) (an image a killed provision left unfinished) is attached to \(loop) now; not deleting it: detach it (losetup -d \(loop)) and re-run\n")
            #expect(root.status(unfinished) != nil, "a file a loop device holds is kept")
            _ = try root.sh("losetup -d \(loop)")
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
            #expect(root.status(unfinished) == nil)
        }
    }

    /// Attack 8 F12: a user's file hard-linked at a leftover's name (a second name: dockstore's
    /// leftovers have one, as provision requires) is not deleted by --delete-image: kept, with
    /// a line saying how many names it has; the file and its bytes stay.
    @Test(arguments: ImageLeftover.Which.allCases)
    func aLeftoverNameWithASecondNameIsKept(_ which: ImageLeftover.Which) throws {
        try withTestRoot { root in
            let users = root.path + "/precious"
            let name = root.image + which.suffix
            try root.write(users, "precious\n")
            try root.sh("ln '\(users)' '\(name)'")
            let dry = try root.dockstore(["teardown", "--delete-image", "--dry-run"])
            #expect(!dry.stdout.contains("delete \(name)"), "\(dry.stdout)")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stdout) \(down.stderr)")
            #expect(down.stdout.contains("kept \(name): it has 2 names (hard links), so it is not \(which.what) (dockstore's have one); another name may be someone's file: look at it (find / -samefile \(name))"), "\(down.stdout)")
            #expect(root.read(name) == "precious\n" && root.status(name)?.st_nlink == 2)
        }
    }
}
