@testable import DockStoreCore
import Testing

/// provision with a mountpoint or image the settings file does not name writes them there, so
/// the boot unit's plain provision finds the store (attack 15, C23; before: a warning, B21);
/// bash and systemd, the file's readers, and dockstore's own settings parser read back the
/// values given. Teardown takes back only what provision wrote (`BootSettingsUndo`).
struct BootSettingsEditTests {
    static let path = "/etc/sysconfig/dockstore"
    static let template = Array(ProvisionSettings.template.utf8)

    func request(_ mountpoint: String, image: String? = nil) throws -> ProvisionRequest {
        var request = try ProvisionRequest(mountpoint: try HostPath(mountpoint, what: "mountpoint"))
        if let image { request.image = try HostPath(image, what: "image") }
        return request
    }

    @Test(arguments: [
        // (file before, mountpoint, image, expected file after, change fragment)
        (nil, "/srv/docker", nil,
         BootSettingsEdit.createdMark + "\n" + BootSettingsEdit.additionMark + "\nDOCKSTORE_MOUNTPOINT=\"/srv/docker\"\n",
         "create it with add DOCKSTORE_MOUNTPOINT=\"/srv/docker\""),
        ("# mine\nDOCKSTORE_SIZE=\"20G\"\n", "/srv/dö-ck", "/srv/store.btrfs",
         "# mine\nDOCKSTORE_SIZE=\"20G\"\n" + BootSettingsEdit.additionMark + "\nDOCKSTORE_MOUNTPOINT=\"/srv/dö-ck\"\n" + BootSettingsEdit.additionMark + "\nDOCKSTORE_IMAGE=\"/srv/store.btrfs\"\n",
         "add DOCKSTORE_MOUNTPOINT=\"/srv/dö-ck\" and add DOCKSTORE_IMAGE"),
        ("DOCKSTORE_MOUNTPOINT=\"\"\n", "/srv/d$x", nil,
         "DOCKSTORE_MOUNTPOINT=\"/srv/d\\$x\"\n", "set DOCKSTORE_MOUNTPOINT=\"/srv/d\\$x\" (was \"\", line 1)"),
    ] as [(String?, String, String?, String, String)])
    func writesWhatTheBootNeeds(_ before: String?, _ mountpoint: String, _ image: String?, _ after: String, _ change: String) throws {
        let settings = try before.map { try ProvisionSettings.parse($0, path: Self.path) }
        let edit = try #require(try BootSettingsEdit.plan(current: before.map { Array($0.utf8) }, settings: settings,
                                                          request: try request(mountpoint, image: image), path: Self.path))
        #expect(String(decoding: edit.bytes, as: UTF8.self) == after)
        #expect(edit.change.contains(change), "\(edit.change)")
        let read = try ProvisionSettings.parse(bytes: edit.bytes, path: Self.path)
        #expect(read.mountpoint?.string == mountpoint)
        if let image { #expect(read.image?.string == image) }
        #expect(try BashOracle.value(of: "DOCKSTORE_MOUNTPOINT", in: edit.bytes) == mountpoint)
        // Now the file names them: nothing more to write.
        #expect(try BootSettingsEdit.plan(current: edit.bytes, settings: read, request: try request(mountpoint, image: image), path: Self.path) == nil)
    }

    @Test func theDefaultsOrTheSettingsOwnValuesNeedNothing() throws {
        #expect(try BootSettingsEdit.plan(current: nil, settings: nil, request: try ProvisionRequest(), path: Self.path) == nil)
        var settings = ProvisionSettings()
        settings.mountpoint = try HostPath("/srv/d", what: "m")
        #expect(try BootSettingsEdit.plan(current: Array("DOCKSTORE_MOUNTPOINT=/srv/d\n".utf8), settings: settings,
                                          request: try request("/srv/d"), path: Self.path) == nil)
        var device = try request("/srv/d", image: "/srv/elsewhere.btrfs")
        device.device = try DeviceRequest(spec: .path("/dev/xvdf"))
        let edit = try #require(try BootSettingsEdit.plan(current: nil, settings: nil, request: device, path: Self.path))
        #expect(!String(decoding: edit.bytes, as: UTF8.self).contains("DOCKSTORE_IMAGE"), "a device store makes no image")
    }

    /// The template SUSE-style file (DOCKSTORE_MOUNTPOINT="" in it): the value is set in place.
    @Test func theTemplatesEmptyValueIsSetInPlace() throws {
        let edit = try #require(try BootSettingsEdit.plan(current: Self.template, settings: try ProvisionSettings.parse(bytes: Self.template, path: Self.path),
                                                          request: try request("/srv/docker"), path: Self.path))
        let text = String(decoding: edit.bytes, as: UTF8.self)
        #expect(text == ProvisionSettings.template.replacingOccurrences(of: "DOCKSTORE_MOUNTPOINT=\"\"", with: "DOCKSTORE_MOUNTPOINT=\"/srv/docker\""))
    }

    /// Attack 16, C1c: an admin's file without a final newline, both lines added: teardown
    /// gives it back byte for byte (the newline provision ended its last line with too), also
    /// with a line set in place beside them.
    @Test(arguments: ["# mine, caf\u{e9}\nDOCKSTORE_SIZE=\"20G\"", "DOCKSTORE_SIZE=\"20G\"\n", "DOCKSTORE_IMAGE=\"\"\n# mine"])
    func teardownGivesTheFileBackByteForByte(_ admin: String) throws {
        let request = try request("/srv/docker", image: "/srv/store.btrfs")
        let edit = try #require(try BootSettingsEdit.plan(current: Array(admin.utf8), settings: try ProvisionSettings.parse(admin, path: Self.path),
                                                          request: request, path: Self.path))
        var teardown = TeardownRequest()
        teardown.mountpoint = request.mountpoint
        teardown.image = request.image
        let undo = try #require(try BootSettingsUndo.plan(edit.bytes, request: teardown, path: Self.path))
        let setInPlace = admin.hasPrefix("DOCKSTORE_IMAGE=\"\"")
        let expected = setInPlace ? admin.replacingOccurrences(of: "DOCKSTORE_IMAGE=\"\"", with: "DOCKSTORE_IMAGE=\"/srv/store.btrfs\"") : admin
        #expect(undo.bytes.map { String(decoding: $0, as: UTF8.self) } == expected, "a value set in place stays; everything else as before")
    }

}
