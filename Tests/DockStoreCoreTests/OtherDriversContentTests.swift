@testable import DockStoreCore
import Foundation
import Testing

/// The review of dae13fd: a container folder whose config.v2.json could not be decoded was
/// skipped silently (`try?`), so backend's warning counted fewer containers than the store held
/// and said nothing of the rest. Such folders are counted apart, with the first reason (also a
/// link, a named pipe or a file over the read limit: attack 34 W C11b).
struct OtherDriversContentTests {
    func scratchDataRoot(_ containers: [String: String?]) throws -> String {
        var template = Array("/tmp/other-drivers.XXXXXX".utf8CString)
        let root = try #require(mkdtemp(&template).map { String(cString: $0) })
        let files = FileManager.default
        for (driver, count) in [("btrfs", 2), ("overlay2", 1)] {
            let folder = "\(root)/image/\(driver)/imagedb/content/sha256"
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for index in 0..<count { try "{}".write(toFile: "\(folder)/\(index)", atomically: false, encoding: .utf8) }
        }
        for (id, config) in containers {
            try files.createDirectory(atPath: "\(root)/containers/\(id)", withIntermediateDirectories: true)
            if let config { try config.write(toFile: "\(root)/containers/\(id)/config.v2.json", atomically: false, encoding: .utf8) }
        }
        return root
    }

    @Test func unreadableContainerConfigsAreCountedApart() throws {
        let root = try scratchDataRoot([
            "a-btrfs": #"{"Driver":"btrfs","ID":"a"}"#,
            "b-overlay": #"{"Driver":"overlay2"}"#,
            "c-garbage": "not json",
            "d-missing": nil,
            "e-number": #"{"Driver":3}"#,
            "f-nodriver": #"{"ID":"f"}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let content = try OtherDriversContent.read(dataRoot: root, than: "overlay2")
        #expect(content.byDriver == [DriverContent(driver: "btrfs", images: 2, containers: 1)])
        #expect(content.unreadableContainers == 3)
        let first = try #require(content.firstUnreadable)
        #expect(first.hasPrefix("\(root)/containers/c-garbage/config.v2.json is not a container's config: "), "\(first)")
        #expect(!first.contains("\n"))
        let warning = try #require(content.warning(switchingTo: "overlay2", dataRoot: root))
        #expect(warning.hasPrefix("\(root) holds 2 image(s) and 1 container(s) of the btrfs driver: a dockerd started with overlay2 does not see them (they stay on disk, and dockstore backend btrfs brings them back); 3 more container folder(s) in \(root)/containers could not be read, so their driver is unknown (\(root)/containers/c-garbage/config.v2.json is not a container's config: "),
                "\(warning)")
    }

    @Test func onlyUnreadableFoldersStillWarn() throws {
        let root = try scratchDataRoot(["d-missing": nil])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let content = try OtherDriversContent.read(dataRoot: root, than: "btrfs")
        #expect(content.byDriver == [DriverContent(driver: "overlay2", images: 1, containers: 0)])
        let onlyUnknown = OtherDriversContent(byDriver: [], unreadableContainers: content.unreadableContainers, firstUnreadable: content.firstUnreadable)
        #expect(onlyUnknown.warning(switchingTo: "btrfs", dataRoot: root)
                == "1 container folder(s) in \(root)/containers could not be read, so their driver is unknown (\(root)/containers/d-missing/config.v2.json does not exist)")
        #expect(OtherDriversContent().warning(switchingTo: "btrfs", dataRoot: root) == nil)
    }

    /// Attack 34 W C11b: a link, a named pipe or a file over the read limit dropped the whole
    /// count ("cannot tell …") with the read's advice to replace or move the file.
    @Test(arguments: ["symbolic link", "named pipe", "huge"])
    func aLinkAPipeOrAHugeConfigIsCountedApart(_ kind: String) throws {
        let root = try scratchDataRoot(["a-btrfs": #"{"Driver":"btrfs"}"#, "b-odd": nil])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = "\(root)/containers/b-odd/config.v2.json"
        switch kind {
        case "symbolic link": try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: "\(root)/containers/a-btrfs/config.v2.json")
        case "named pipe": #expect(mkfifo(file, 0o600) == 0)
        default: #expect(FileManager.default.createFile(atPath: file, contents: nil) && truncate(file, 17 << 20) == 0)
        }
        let content = try OtherDriversContent.read(dataRoot: root, than: "overlay2")
        #expect(content.byDriver == [DriverContent(driver: "btrfs", images: 2, containers: 1)])
        #expect(content.unreadableContainers == 1)
        let reason = kind == "huge" ? "is larger than 16 MiB" : "is a \(kind), not a file"
        #expect(content.firstUnreadable == "\(file) \(reason)", "\(content.firstUnreadable ?? "")")
    }

    /// Attack 34 X F6: dockerd's Go decoder matches the key without regard to case and keeps
    /// the last of a key given twice; a null leaves the field unset.
    @Test func theDriverIsReadAsGoReadsIt() throws {
        let root = try scratchDataRoot([
            "a-lower": #"{"driver":"btrfs"}"#,
            "b-twice": #"{"Driver":"overlay2","Driver":"btrfs"}"#,
            "c-upper": #"{"DRIVER":"btrfs","ID":"c"}"#,
            "d-null": #"{"Driver":null}"#,
            "e-escaped": #"{"Dr\u0069ver":"btrfs"}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let content = try OtherDriversContent.read(dataRoot: root, than: "overlay2")
        #expect(content.byDriver == [DriverContent(driver: "btrfs", images: 2, containers: 4)])
        #expect(content.unreadableContainers == 0, "\(content.firstUnreadable ?? "")")
    }

    @Test func aContainerOfTheDriverSetIsNotCounted() throws {
        let root = try scratchDataRoot(["a-btrfs": #"{"Driver":"btrfs"}"#])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let content = try OtherDriversContent.read(dataRoot: root, than: "btrfs")
        #expect(content.byDriver == [DriverContent(driver: "overlay2", images: 1, containers: 0)])
        #expect(content.unreadableContainers == 0 && content.firstUnreadable == nil)
    }
}
