import Foundation
import Testing

/// Attack 26: `--mount-options 'context="…"'` was refused as an option "fstab cannot carry",
/// though libmount reads a value quoted whole as one option (an SELinux context with MCS
/// categories holds a comma). It is now carried as written, and the real readers are the
/// oracle: the store mounts (libmount takes the security option; where SELinux is off it
/// drops it), findmnt reads the line's options back through libmount, systemd's fstab
/// generator writes them into the mount unit whole, and check and a re-run see the store in place.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct QuotedMountOptionIntegrationTests {
    static let generator = "/lib/systemd/system-generators/systemd-fstab-generator"

    @Test func aQuotedContextIsCarriedAsWrittenAndEveryReaderTakesItWhole() throws {
        try withTestRoot { root in
            let context = "context=\"system_u:object_r:container_file_t:s0:c1,c2\""
            let run = try root.dockstore(["provision", "--size", "256M", "--mount-options", "\(context),noatime"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let line = (root.read(root.fstab) ?? "").split(separator: "\n").last.map(String.init) ?? ""
            #expect(line.contains(",\(context),noatime 0 0"), "\(line)")
            let libmount = try root.sh("findmnt --tab-file '\(root.fstab)' -n -o OPTIONS --target /var/lib/docker")
            #expect(libmount.split(separator: "\n").first.map { $0.hasSuffix(",\(context),noatime") } == true, "\(libmount)")
            try #require(FileManager.default.isExecutableFile(atPath: Self.generator), "systemd-fstab-generator (scripts/test installs systemd)")
            let out = root.path + "/generated"
            _ = try root.sh("mkdir '\(out)' && SYSTEMD_FSTAB='\(root.fstab)' SYSTEMD_LOG_LEVEL=err \(Self.generator) '\(out)' '\(out)' '\(out)'")
            let options = try root.sh("grep -h '^Options=' '\(out)'/*.mount")
            #expect(options.contains(",\(context),noatime\n"), "\(options)")
            #expect(try root.dockstore(["check"]).status == 0)
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)\(again.stderr)")
            let unclosed = try root.dockstore(["provision", "--dry-run", "--mount-options", "context=\"a,b"])
            #expect(unclosed.status == 64 && unclosed.stderrLines.count == 1 && unclosed.stderr.contains("has a double quote that is not closed"),
                    "\(unclosed.stderr)")
        }
    }
}
