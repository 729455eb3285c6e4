import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15, item 4, for reads: the write preflight reads a file's chattr flags and its
/// folder's free space and mount flags inside --root, not through the path the plan resolved.
/// Each case makes the plan while `etc/docker` is a plain folder, then swaps it for an absolute
/// link — as image trees have — naming a folder that exists both on the host (beside the root)
/// and inside the tree, on filesystems that answer differently. The preflight must answer for
/// the tree's folder.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct WritePreflightConfinementIntegrationTests {
    /// The daemon.json write as provision plans it, made before the swap.
    func plannedWrite(_ root: TestRoot) throws -> WritePreflight.PlannedWrite {
        try root.sh("mkdir -p '\(root.path)/etc/docker'")
        let host = try Host(root: root.path)
        return .inRoot(HostPaths.daemonJSON, on: host, bytes: 100, makesFolders: false).renaming(HostPaths.daemonJSON, on: host, backup: true)
    }

    /// `etc/docker` becomes a link to the absolute path `hostSide`; inside the tree that path is
    /// `<root><hostSide>`, made here.
    func swap(_ root: TestRoot, to hostSide: String) throws {
        try root.sh("mkdir -p '\(root.path)\(hostSide)' && rmdir '\(root.path)/etc/docker' && ln -s '\(hostSide)' '\(root.path)/etc/docker'")
    }

    @Test func aReadOnlyHostFolderBehindAnAbsoluteLinkIsNotRead() throws {
        try withTestRoot { root in
            let hostSide = root.path + ".hostside"
            try root.sh("mkdir -p '\(hostSide)' && mount -t tmpfs -o ro,size=1m tmpfs '\(hostSide)'")
            defer { _ = try? root.sh("umount '\(hostSide)'; rmdir '\(hostSide)'") }
            let write = try plannedWrite(root)
            try swap(root, to: hostSide)
            #expect(try root.sh("findmnt -n -o OPTIONS --target '\(hostSide)'").contains("ro"))
            // The tree's folder is writable with room: nothing to refuse.
            try WritePreflight.check([write])
        }
    }

    @Test func aFullTreeFolderBehindAnAbsoluteLinkIsRefusedByItsOwnName() throws {
        try withTestRoot { root in
            let hostSide = root.path + ".hostside"
            try root.sh("mkdir -p '\(hostSide)'")
            defer { _ = try? root.sh("rm -rf '\(hostSide)'") }
            let write = try plannedWrite(root)
            try swap(root, to: hostSide)
            let inTree = root.path + hostSide
            try root.sh("mount -t tmpfs -o size=256k tmpfs '\(inTree)' && (dd if=/dev/zero of='\(inTree)/fill' bs=4k 2>/dev/null || true)")
            do {
                try WritePreflight.check([write])
                Issue.record("a full folder inside the tree was not refused: the preflight read the host's folder \(hostSide)")
            } catch let error as DockStoreError {
                #expect(error.kind == .refused)
                #expect("\(error)".contains("the filesystem holding \(inTree) has"), "\(error)")
            }
        }
    }

    @Test func anImmutableTreeFileBehindAnAbsoluteLinkIsRefusedAndTheHostFileIsNotRead() throws {
        try withTestRoot { root in
            let hostSide = root.path + ".hostside"
            try root.sh("mkdir -p '\(hostSide)' && echo host > '\(hostSide)/daemon.json'")
            defer { _ = try? root.sh("rm -rf '\(hostSide)'") }
            let write = try plannedWrite(root)
            try swap(root, to: hostSide)
            // The tree's own file is immutable; the host's beside it is not.
            let inTree = root.path + hostSide + "/daemon.json"
            guard (try? root.sh("echo '{}' > '\(inTree)' && chattr +i '\(inTree)'")) != nil else {
                Issue.record("chattr +i is not supported on the test's filesystem; the case cannot be built here")
                return
            }
            defer { _ = try? root.sh("chattr -i '\(inTree)'") }
            do {
                try WritePreflight.check([write])
                Issue.record("an immutable daemon.json inside the tree was not refused")
            } catch let error as DockStoreError {
                #expect(error.kind == .refused)
                #expect("\(error)".contains("immutable"), "\(error)")
            }
            // And the other way round: immutable on the host only, nothing to refuse in the tree.
            try root.sh("chattr -i '\(inTree)' && chattr +i '\(hostSide)/daemon.json'")
            defer { _ = try? root.sh("chattr -i '\(hostSide)/daemon.json'") }
            try WritePreflight.check([write])
        }
    }
}
