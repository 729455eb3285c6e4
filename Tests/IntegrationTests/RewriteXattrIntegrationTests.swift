import DockStoreCore
import Foundation
import Testing

/// Outside attack 12, B08: the atomic rewrite of fstab and /etc/sysconfig/docker keeps the
/// files' extended attributes — a POSIX ACL (system.posix_acl_access) granting a monitoring
/// user read access, user.* — on the new file and its .dockstore.bak, and teardown's give-back
/// keeps them too; mode and owner stay as before.
@Suite(.serialized, .enabled(if: isRoot && hasXattrTools, Comment(rawValue: needsRoot + "; and setfacl/getfattr (acl, attr)")))
struct RewriteXattrIntegrationTests {
    @Test func provisionAndTeardownKeepACLsAndUserAttributes() throws {
        try withTestRoot { root in
            try root.write(root.sysconfig, "DOCKER_OPTS=\"\"\n")
            try root.write(root.fstab, "# the host's lines\n")
            let files = [root.fstab, root.sysconfig]
            for (index, file) in files.enumerated() {
                _ = try root.sh("chmod 640 '\(file)' && setfacl -m u:nobody:r '\(file)' && setfattr -n user.dockstore-test -v v\(index) '\(file)'")
            }
            func attributes(_ file: String) throws -> String {
                try root.sh("getfattr --absolute-names -d -m - -e hex '\(file)' | grep -v '^# file:'; getfacl -c '\(file)'; stat -c '%a %u:%g' '\(file)'")
            }
            let before = try files.map(attributes)
            #expect(before.allSatisfy { $0.contains("user:nobody:r--") && $0.contains("user.dockstore-test=") }, "\(before)")
            let provision = try root.dockstore(["provision", "--size", "256M"])
            #expect(provision.status == 0, "\(provision.stderr)")
            for (file, was) in zip(files, before) {
                #expect(root.read(file)?.contains("btrfs") == true, "\(file) was rewritten")
                #expect(try attributes(file) == was, "\(file)")
                #expect(try attributes(file + AtomicFile.backupSuffix) == was, "\(file).dockstore.bak")
            }
            let teardown = try root.dockstore(["teardown", "--delete-image"])
            #expect(teardown.status == 0, "\(teardown.stderr)")
            for (file, was) in zip(files, before) { #expect(try attributes(file) == was, "\(file) after teardown") }
        }
    }
}

let hasXattrTools = FileManager.default.isExecutableFile(atPath: "/usr/bin/setfacl")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/getfattr")
