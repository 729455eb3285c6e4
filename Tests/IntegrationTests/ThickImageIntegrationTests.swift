import DockStoreCore
import Foundation
import Testing

/// `--thick` keeps its promise, that the host cannot run out under the store (attack 12):
/// grow preallocates the range it adds (A10), and an image on a btrfs host gets No_COW before
/// its first byte, so the store's own overwrites take no new host space (B18).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ThickImageIntegrationTests {
    func allocated(_ root: TestRoot) throws -> UInt64 {
        let st = try #require(root.status(root.image))
        return UInt64(st.st_blocks) * 512
    }

    @Test func growPreallocatesWhatItAddsToAThickImage() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M", "--thick"]).status == 0)
            let dry = try root.dockstore(["grow", "--to", "768M", "--dry-run"])
            #expect(dry.stdout.contains("from 512 MiB to 768 MiB (preallocated (fallocate), as the image was made --thick)"), "\(dry.stdout)")
            let grown = try root.dockstore(["grow", "--to", "768M"])
            #expect(grown.status == 0, "\(grown.stderr)")
            let bytes = try allocated(root)
            #expect(bytes >= 768 << 20, "allocated \(bytes)")
            #expect(root.status(root.image)?.st_size == 768 << 20)
        }
        reliability("grow of a --thick image", cases: 1, runs: 1)
    }

    @Test func aThickImageOnAFullBtrfsHostKeepsTheStoreWritable() throws {
        try withTestRoot { root in
            let host = root.path + "/host.img"
            _ = try root.sh("truncate -s 2G '\(host)' && mkfs.btrfs -q '\(host)' && mkdir -p '\(root.path)/var/lib' && mount -o loop '\(host)' '\(root.path)/var/lib'")
            let provisioned = try root.dockstore(["provision", "--size", "1G", "--thick"])
            try #require(provisioned.status == 0, "\(provisioned.stderr)")
            let attributes = try root.sh("lsattr '\(root.image)'")
            #expect(attributes.split(separator: " ").first?.contains("C") == true, "No_COW: \(attributes)")
            // Something else fills the host; the store then writes and commits over its own blocks.
            _ = try? root.sh("dd if=/dev/zero of='\(root.path)/var/lib/filler' bs=1M status=none; sync")
            _ = try root.sh("dd if=/dev/urandom of='\(root.mountpoint)/after' bs=1M count=64 status=none && sync")
            let stats = try root.sh("btrfs device stats '\(root.mountpoint)'")
            #expect(stats.split(separator: "\n").allSatisfy { $0.hasSuffix(" 0") }, "\(stats)")
            let check = try root.dockstore(["check", "--format", "json"])
            #expect(!check.stdout.contains("read_only"), "\(check.stdout)")
        }
        reliability("a --thick image on a full btrfs host", cases: 1, runs: 1)
    }
}
