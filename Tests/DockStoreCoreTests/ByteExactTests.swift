@testable import DockStoreCore
import Testing

/// Issue 15's cases that need no root: files are edited as bytes (a line dockstore does not
/// own stays byte for byte, whatever it holds), legacy lines are read as libmount reads them,
/// each reader gets its own escaping, and what cannot be carried is refused.
@Suite struct ByteExactTests {
    static let target = HostPath.known("/var/lib/docker")
    static let image = "/var/lib/docker-storage.btrfs"
    static let options = ["nofail", "discard=async", "x-systemd.requires-mounts-for=/var/lib"]

    static func edited(_ original: [UInt8]) throws -> [UInt8] {
        var fstab = FstabFile(bytes: original)
        switch try fstab.storeLineEdit(source: image, target: target, fstype: "btrfs", requiredOptions: options, path: "fstab") {
        case .inPlace: break
        case .append(let entry): fstab.append(entry)
        case .adopt(let index, _, let new): fstab.replace(lineAt: index, with: new)
        }
        return fstab.bytes
    }

    static let ours: [UInt8] = Array("/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,discard=async,x-systemd.requires-mounts-for=/var/lib 0 0\n".utf8)

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Lines of other mounts, each followed by a newline; dockstore appends its own after them.
    static let foreignLines: [(String, [UInt8])] = {
        var cases: [(String, [UInt8])] = []
        cases.append(("Latin-1 mountpoint (U+FFFD before)", bytes("/dev/vdb /srv/caf") + [0xE9] + bytes(" ext4 defaults 0 2\n")))
        cases.append(("Latin-1 comment", bytes("# caf") + [0xE9, 0x0A]))
        cases.append(("NUL in a comment", bytes("# a") + [0, 0x62, 0x0A]))
        cases.append(("NUL in a line", bytes("/dev/vdc /srv/x") + [0] + bytes(" xfs defaults 0 0\n")))
        cases.append(("CRLF lines", bytes("/dev/vdb /srv ext4 defaults 0 2\r\n# c\r\n")))
        cases.append(("a lone CR inside a field", bytes("/dev/vdb /srv/a\rb ext4 defaults 0 2\n")))
        cases.append(("a very long line", bytes(("# " + String(repeating: "x", count: 200_000) + "\n"))))
        cases.append(("invalid UTF-8 sequences", [0x23, 0xC3, 0x28, 0xF0, 0x9F, 0x0A, 0x2F, 0x61, 0x20, 0x2F, 0xFF, 0x20, 0x78, 0x20, 0x64, 0x0A]))
        cases.append(("escaped fields", bytes("/dev/vdb /srv/with\\040space ext4 defaults 0 2\n")))
        return cases
    }()

    @Test(arguments: foreignLines)
    func linesDockstoreDoesNotOwnAreKeptByteForByte(_ name: String, _ original: [UInt8]) throws {
        #expect(try Self.edited(original) == original + Self.ours, "\(name)")
        #expect(FstabFile(bytes: original).bytes == original, "\(name): read and rendered back unchanged")
    }

    /// A legacy store line as libmount reads it: a CR before the newline is not part of the
    /// options, missing fields default, tabs separate.
    @Test(arguments: [
        ("CRLF, four fields", "/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults\r\n"),
        ("CRLF, six fields", "/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0\r\n"),
        ("three fields", "/var/lib/docker-storage.btrfs /var/lib/docker btrfs\n"),
        ("tabs", "/var/lib/docker-storage.btrfs\t/var/lib/docker\t\tbtrfs\tdefaults\t0\t0\n"),
        ("leading and trailing blanks", "  /var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0  \n"),
        ("no final newline, CR", "/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults\r"),
    ])
    func legacyLinesAreAdoptedAsLibmountReadsThem(_ name: String, _ line: String) throws {
        let before = Array("# head\r\n".utf8)
        let result = try Self.edited(before + Array(line.utf8))
        // A last line without a newline stays without one.
        let expected = before + (line.utf8.last == UInt8(ascii: "\n") ? Self.ours : Array(Self.ours.dropLast()))
        #expect(result == expected, "\(name): \(String(decoding: result, as: UTF8.self).debugDescription)")
    }

    @Test func optionsAreSplitAsLibmountSplitsThem() {
        #expect(MountOptionList.split("defaults") == ["defaults"])
        #expect(MountOptionList.split(",a,,b,") == ["a", "b"])
        #expect(MountOptionList.split("a=\"x,y\",b") == ["a=\"x,y\"", "b"])
        #expect(MountOptionList.split("a=x\\,y,b") == ["a=x\\,y", "b"])
        let entry = FstabEntry(line: "/i /var/lib/docker btrfs ctx=\"a,b\",nofail 0 0")
        #expect(entry?.options == ["ctx=\"a,b\"", "nofail"])
        #expect(entry?.rendered == "/i /var/lib/docker btrfs ctx=\"a,b\",nofail 0 0")
    }

    @Test(arguments: [
        ("/a b", "/a\\040b"), ("/a\tb", "/a\\011b"), ("/a\nb", "/a\\012b"), ("/a\\b", "/a\\134b"),
        ("/a#b", "/a#b"), ("/a%b", "/a%b"), ("/café", "/café"), ("/a,b", "/a,b"),
    ])
    func fstabFieldsAreEscapedAsLibmountUnescapes(_ field: String, _ escaped: String) {
        #expect(FstabEntry.escape(field) == escaped)
        #expect(FstabEscape.unescape(Array(escaped.utf8)) == Array(field.utf8))
    }

    @Test func aSourceStartingWithHashIsNotAComment() {
        let line = FstabEntry(source: "#x", target: "/m", fstype: "btrfs", options: ["nofail"]).renderedBytes
        #expect(String(decoding: line, as: UTF8.self) == "\\043x /m btrfs nofail 0 0")
        #expect(FstabEntry(line: line)?.source == "#x")
    }

    @Test func aLineNamingTheStoreThatCannotBeReadIsRefused() {
        for line in [Array("/var/lib/docker-storage.btrfs /var/lib/docker btrfs x-caf".utf8) + [0xE9] + Array(" 0 0\n".utf8),
                     Array("/dev/x /var/lib/docker btrfs defaults x y\n".utf8),
                     Array("/dev/x /var/lib/docker\n".utf8)] {
            #expect(throws: DockStoreError.self, "\(String(decoding: line, as: UTF8.self).debugDescription)") {
                _ = try Self.edited(line)
            }
        }
    }

    @Test(arguments: [
        ("/var/lib/docker", "/var/lib/docker"), ("/srv/100%", "/srv/100%%"), ("/srv/%n", "/srv/%%n"),
        ("/srv/a\\b", "\"/srv/a\\\\b\""), ("/srv/a\"b", "\"/srv/a\\\"b\""), ("/srv/it's", "\"/srv/it's\""),
        ("/srv/café", "/srv/café"),
    ])
    func unitFilePathsAreEscapedForSystemd(_ path: String, _ word: String) {
        #expect(UnitFileEscape.pathWord(path) == word)
    }

    @Test(arguments: ["/var/lib/x\u{9B}y", "/a\u{85}b", "/a\u{80}", "/a\u{9F}", "/a\u{7F}", "/a\u{1B}b", "/a b", "/a\u{2028}b"])
    func controlCharactersIncludingC1AreRefused(_ path: String) {
        #expect(throws: DockStoreError.self) { _ = try HostPath(path, what: "--image") }
    }

    /// systemd's UTF-8 check refuses the noncharacters and then ignores the whole line (found
    /// by the systemd-analyze property test).
    @Test(arguments: [0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF] as [UInt32])
    func noncharactersAreRefused(_ value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        var path = "/srv/a"
        path.unicodeScalars.append(scalar)
        #expect(throws: DockStoreError.self) { _ = try HostPath(path, what: "--mountpoint") }
    }

    @Test func aCommaInTheImageFolderIsRefusedForTheMountOption() throws {
        for folder in ["/srv/a,b", "/srv/a\\b", "/srv/a\"b", "/srv/it's"] {
            let image = try HostPath(folder + "/store.btrfs", what: "--image")
            #expect(throws: DockStoreError.self, "\(folder)") { _ = try ProvisionRequest(image: image) }
        }
        let fine = try ProvisionRequest(image: HostPath("/srv/a=b%c/store.btrfs", what: "--image"))
        #expect(fine.requiredMountOptions.contains("x-systemd.requires-mounts-for=/srv/a=b%c"))
    }

    @Test func sysconfigKeepsALatin1CommentAndRefusesADockerOptsItCannotKeep() throws {
        let comment: [UInt8] = Array("# Docker f".utf8) + [0xFC] + Array("r SUSE\n".utf8)
        var file = try SysconfigFile(path: "s", bytes: comment + Array("DOCKER_OPTS=\"--log-level=warn\"\n".utf8))
        _ = try file.setDockerStorage(driver: "btrfs", options: [])
        let record = Array("# DOCKER_OPTS changed by dockstore; dockstore teardown gives back the line as it was: DOCKER_OPTS=\"--log-level=warn\"\n".utf8)
        #expect(file.bytes == comment + record + Array("DOCKER_OPTS=\"--log-level=warn --storage-driver=btrfs\"\n".utf8))

        // systemd ignores an assignment whose value is not UTF-8, bash keeps it: refused as read.
        #expect(throws: DockStoreError.self) {
            _ = try SysconfigFile(path: "s", bytes: Array("DOCKER_OPTS=\"--label=caf".utf8) + [0xE9] + Array("\"\n".utf8))
        }
    }

    @Test func aSettingThatIsNotUTF8IsRefusedNotChanged() {
        let bytes = Array("DOCKSTORE_IMAGE=/var/lib/x".utf8) + [0xE9] + Array(".btrfs\n".utf8)
        do {
            _ = try ProvisionSettings.parse(bytes: bytes, path: "/etc/sysconfig/dockstore")
            Issue.record("accepted")
        } catch let error as DockStoreError {
            #expect(error.kind == .usage)
            #expect(error.message.contains("/var/lib/x\\xE9.btrfs"), "\(error.message)")
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("\(error)")
        }
        #expect(throws: DockStoreError.self) { _ = try ProvisionSettings.parse("DOCKSTORE_MOUNTPOINT=\" /srv/d\"\n", path: "s") }
    }

    /// Found by the bash property test: `"` followed by a combining mark is one Character to
    /// Swift, and was left unescaped; so was a blank before one when splitting DOCKER_OPTS.
    @Test func quotesAndBlanksBeforeCombiningMarksAreSeenAsBashSeesThem() throws {
        #expect(SysconfigFile.doubleQuoted("a\"\u{F77}b") == "\"a\\\"\u{F77}b\"")
        #expect(DockerOptions("--a \u{301}b").words == ["--a", "\u{301}b"])
        #expect(try BashOracle.words(sourcing: "DOCKER_OPTS=\(SysconfigFile.doubleQuoted("--x=\"\u{F77} --y"))\n") == ["--x=\"\u{F77}", "--y"])
    }

    @Test func bytesAreShownExactly() {
        #expect(ShownBytes.text([0x61, 0xE9, 0x62]) == "a\\xE9b")
        #expect(ShownBytes.text(Array("a\u{9B}\r".utf8)) == "a\\xC2\\x9B\\r")
        #expect(ShownBytes.text(Array("café".utf8)) == "café")
    }
}
