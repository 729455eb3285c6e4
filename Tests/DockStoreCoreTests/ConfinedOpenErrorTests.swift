@testable import DockStoreCore
import Foundation
import Testing

/// Every way a confined open can fail, through each caller that opens a host path under --root
/// (reading a file, writing one atomically, making folders, taking the lock): the one-line
/// message names the path that was given (or the one component at fault) and the reason, and
/// says what to do. The magic-link case needs a procfs inside the tree, so root:
/// `ConfinedOpenIntegrationTests` runs it both through openat2 and through the hand walk.
struct ConfinedOpenErrorTests {
    enum Caller: String, CustomTestStringConvertible, Sendable {
        case read, write, makeFolders, lock
        var testDescription: String { rawValue }
    }

    /// (tree: links made in a scratch root that has image/etc/fstab and folders var, c;
    ///  caller, path, the message expected with the root written as ROOT, or "" for none).
    static let cases: [(String, Caller, String, String)] = [
        ("loop1 -> loop2, loop2 -> loop1", .read, "/loop1/x",
         "refused: ROOT/loop1/x: more than 40 symbolic links on the way, the last at ROOT/loop1 (a link loop?); fix the links so that the path leads to a folder or file inside --root ROOT, and re-run"),
        ("loop1 -> loop2, loop2 -> loop1", .write, "/loop1/x",
         "refused: ROOT/loop1: more than 40 symbolic links on the way, the last at ROOT/loop1 (a link loop?); fix the links so that the path leads to a folder or file inside --root ROOT, and re-run"),
        ("loop1 -> loop2, loop2 -> loop1", .makeFolders, "/loop1/x",
         "refused: ROOT/loop1: more than 40 symbolic links on the way, the last at ROOT/loop1 (a link loop?); fix the links so that the path leads to a folder or file inside --root ROOT, and re-run"),
        ("loop1 -> loop2, loop2 -> loop1", .lock, "/loop1/lock",
         "refused: ROOT/loop1: more than 40 symbolic links on the way, the last at ROOT/loop1 (a link loop?); fix the links so that the path leads to a folder or file inside --root ROOT, and re-run"),
        ("filelink -> /image/etc/fstab", .read, "/filelink",
         "refused: ROOT/filelink is a symbolic link: dockstore does not edit files through links; replace it with the file itself"),
        ("filelink -> /image/etc/fstab", .write, "/filelink",
         "refused: ROOT/filelink is a symbolic link: dockstore writes only regular files there; replace it with the file itself"),
        ("", .read, "/image/etc/fstab/x",
         "refused: cannot read ROOT/image/etc/fstab/x: ROOT/image/etc/fstab or a folder above it is not a folder; fix the tree"),
        ("", .makeFolders, "/image/etc/fstab/x",
         "refused: ROOT/image/etc/fstab is a regular file, not a folder; dockstore needs a folder there"),
        ("dangling -> /c/new", .makeFolders, "/dangling/x",
         "refused: ROOT/dangling is a symbolic link to a folder that does not exist inside ROOT: create that folder, or replace the link with a folder"),
        ("", .read, "/missing/x", ""),
        ("etc -> /image/etc", .read, "/etc/fstab", ""),
        ("rel -> ../../../../../../image/etc", .read, "/rel/fstab", ""),
    ]

    @Test(arguments: cases)
    func aFailedConfinedOpenSaysWhichPathAndWhy(_ tree: String, _ caller: Caller, _ path: String, _ expected: String) throws {
        let root = try scratch(tree)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let host = try Host(root: root)
        let hostPath = try HostPath(path, what: "path")
        var outcome = ""
        do {
            switch caller {
            case .read: _ = try FileContents.read(hostPath, on: host)
            case .write: try AtomicFile.write(hostPath, on: host, Array("x\n".utf8))
            case .makeFolders: try host.makeFolders(hostPath)
            case .lock: _ = try FileLock(path: hostPath, on: host, timeout: 0) { _ in }
            }
        } catch let error as DockStoreError {
            outcome = "\(error.kind): " + error.message.replacingOccurrences(of: root, with: "ROOT")
        }
        #expect(outcome == expected, "\(caller) \(path) with \(tree)")
    }

    func scratch(_ tree: String) throws -> String {
        var template = Array("/tmp/dockstore-confined-error.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        let root = URL(fileURLWithPath: String(cString: made)).resolvingSymlinksInPath().path
        for folder in ["image/etc", "var", "c"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        _ = FileManager.default.createFile(atPath: root + "/image/etc/fstab", contents: Data("x\n".utf8))
        for link in tree.split(separator: ",") {
            let parts = link.split(separator: " ").filter { $0 != "->" }
            try FileManager.default.createSymbolicLink(atPath: root + "/" + parts[0], withDestinationPath: String(parts[1]))
        }
        return root
    }
}
