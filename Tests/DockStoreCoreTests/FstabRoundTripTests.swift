@testable import DockStoreCore
import Foundation
import Testing

/// provision appends the store line to fstab and teardown removes it: between the two, every
/// line dockstore does not own keeps its bytes, and after both the file is the one the admin
/// had, byte for byte — with or without a final newline, with CRLF, NUL, bytes that are not
/// UTF-8 (outside attack F9: a newline was added to a last line that had none).
@Suite(.serialized) struct FstabRoundTripTests {
    static let target = HostPaths.defaultMountpoint
    static let source = HostPaths.defaultImage.string
    static let required = ["nofail", "loop", "discard=async", "x-systemd.requires-mounts-for=/var/lib"]

    /// The bytes after provision's append, or nil when the plan is not an append.
    static func provisioned(_ bytes: [UInt8]) throws -> FstabFile? {
        var fstab = FstabFile(bytes: bytes)
        guard case .append(let entry) = try fstab.storeLineEdit(source: source, target: target, fstype: "btrfs",
                                                                 requiredOptions: required, path: "fstab") else { return nil }
        fstab.append(entry)
        return fstab
    }

    /// teardown's removal: every line that mounts the store's source at the mountpoint.
    static func tornDown(_ fstab: FstabFile) -> [UInt8] {
        var updated = fstab
        for (index, entry) in fstab.entries(mountingAt: target).reversed() where entry.normalizedSource == source {
            updated.remove(lineAt: index)
        }
        return updated.bytes
    }

    static func b(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let cases: [(String, [UInt8])] = [
        ("empty", []),
        ("one newline", b("\n")),
        ("no final newline", b("# keep\n# no newline at end")),
        ("final newline", b("# keep\n/dev/a / ext4 defaults 0 1\n")),
        ("CRLF, no final newline", b("/dev/a / ext4 defaults 0 1\r\n# c\r")),
        ("CRLF", b("/dev/a / ext4 defaults 0 1\r\n")),
        ("NUL in the last line", b("# a\n/dev/b /srv ext4 defaults\0 0 0")),
        ("Latin-1, no final newline", b("/dev/vdb /srv/caf") + [0xE9] + b(" ext4 defaults 0 2")),
        ("blank last lines", b("/dev/a / ext4 defaults 0 1\n\n\n")),
        ("only blanks", b("  \t")),
    ]

    @Test(arguments: cases)
    func appendThenRemoveGivesTheFileBack(_ name: String, _ original: [UInt8]) throws {
        let fstab = try #require(try Self.provisioned(original), "\(name): provision appends")
        let added = fstab.bytes
        #expect(added.starts(with: original), "\(name): the bytes before the store line stay")
        let line = FstabEntry(source: Self.source, target: Self.target.string, fstype: "btrfs",
                              options: Self.required, pass: "0").renderedBytes
        // Third outside attack on issue 15: the appended line always ends with a newline (an
        // admin's `echo LINE >> fstab` glued onto it made both lines unreadable); a file whose
        // last line had none gets the comment that says the newline is dockstore's.
        let ended = original.isEmpty || original.last == 0x0A ? original
            : original + [0x0A] + Array(FstabFile.endedLineMark.utf8) + [0x0A]
        #expect(added == ended + line + [0x0A], "\(name): the line, ending with a newline, after the file's bytes")
        #expect(Self.tornDown(FstabFile(bytes: added)) == original, "\(name): teardown gives back every byte")
    }

    /// Random files built from the bytes that make fstab hard; after append and remove the
    /// bytes are the same, and libmount (the reader mount(8) and systemd use) reads the store
    /// line in the provisioned file when it could read the original.
    @Test func randomFilesComeBackByteForByte() throws {
        let pieces: [[UInt8]] = [
            Self.b("/dev/a / ext4 defaults 0 1"), Self.b("# comment"), Self.b("\n"), Self.b("\r\n"), Self.b("\r"),
            [0], [0xE9], [0xFF, 0xFE], Self.b("\t"), Self.b(" "), Self.b("UUID=x /boot vfat umask=0077 0 2"),
            Self.b("/srv/a\\040b"), Self.b("caf\u{e9}"), Self.b("#"), Self.b("tmpfs /tmp tmpfs"),
        ]
        var rng = SplitMix(seed: 0xF9)
        let end = Date().addingTimeInterval(ParserPropertyTests.budget)
        var rounds = 0, libmountChecks = 0
        let folder = NSTemporaryDirectory() + "dockstore-fstab-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        while Date() < end {
            var original: [UInt8] = []
            for _ in 0..<Int(rng.next() % 12) { original += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let fstab = try #require(try Self.provisioned(original), "round \(rounds): \(original)")
            #expect(Self.tornDown(FstabFile(bytes: fstab.bytes)) == original, "round \(rounds): \(original)")
            if !original.contains(0), rounds % 10 == 0 {
                let file = folder + "/fstab"
                try Data(original).write(to: URL(fileURLWithPath: file))
                if let before = try? EscapeOracleTests.libmountRead(file) {
                    try Data(fstab.bytes).write(to: URL(fileURLWithPath: file))
                    let after = try EscapeOracleTests.libmountRead(file)
                    #expect(after.count == before.count + 1 && after.last?.target == Array(Self.target.string.utf8),
                            "round \(rounds): libmount reads the appended line: \(fstab.bytes)")
                    libmountChecks += 1
                }
            }
            rounds += 1
        }
        print("property: fstab-append-remove: \(rounds) generated files, \(libmountChecks) read with libmount")
    }
}
