import Testing
@testable import DockStoreCore

/// `backend DRIVER` records the driver where the boot's provision reads it (attack 14,
/// Y-BOOT-1): the table of files and requests, each result read back by provision's own parser
/// and, for the value, by bash.
@Suite struct BackendSettingsEditTests {
    static let path = "/etc/sysconfig/dockstore"
    static let btrfs = FilesystemType(name: "btrfs", supportsDType: true)
    static let xfs = FilesystemType(name: "xfs", supportsDType: true)

    func plan(_ current: String?, _ driver: String, _ options: [String] = [],
              on filesystem: FilesystemType? = btrfs) throws -> String? {
        let request = try BackendRequest(driver: driver, options: options)
        return try BackendSettingsEdit.plan(current: current.map { Array($0.utf8) }, request: request,
                                            storeFilesystem: filesystem, path: Self.path)
            .map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    static let template = "## dockstore settings\nDOCKSTORE_SIZE=\"100G\"\nDOCKSTORE_BACKEND=\"\"\nDOCKSTORE_BACKEND_OPTIONS=\"\"\n"

    @Test func nothingWhenTheBootAlreadySetsThatDriver() throws {
        #expect(try plan(nil, "overlay2", on: nil) != nil, "nothing mounted: the folder's filesystem says nothing of the store")
        #expect(try plan(nil, "btrfs") == nil, "the btrfs store's own driver")
        #expect(try plan(nil, "overlay2", on: Self.xfs) == nil, "an xfs store's own driver")
        #expect(try plan(Self.template, "btrfs") == nil)
        #expect(try plan("DOCKSTORE_BACKEND=\"vfs\"\n", "vfs") == nil)
    }

    @Test func theTemplatesValueIsSetInPlace() throws {
        let edited = try #require(try plan(Self.template, "overlay2"))
        #expect(edited == Self.template.replacingOccurrences(of: "DOCKSTORE_BACKEND=\"\"", with: "DOCKSTORE_BACKEND=\"overlay2\""))
        #expect(try ProvisionSettings.parse(edited, path: Self.path).backend == .overlay2)
        #expect(try BashOracle.value(of: "DOCKSTORE_BACKEND", in: Array(edited.utf8)) == "overlay2")
    }

    @Test func aMissingLineIsAddedBelowTheMarkAndAMissingFileCreated() throws {
        #expect(try plan("DOCKSTORE_SIZE=\"1G\"\n", "vfs") == "DOCKSTORE_SIZE=\"1G\"\n\(BackendSettingsEdit.additionMark)\nDOCKSTORE_BACKEND=\"vfs\"\n")
        #expect(try plan("DOCKSTORE_SIZE=\"1G\"", "vfs") == "DOCKSTORE_SIZE=\"1G\"\n\(BackendSettingsEdit.additionAfterUnendedLineMark)\nDOCKSTORE_BACKEND=\"vfs\"\n")
        #expect(try plan(nil, "vfs") == "\(BackendSettingsEdit.createdMark)\n\(BackendSettingsEdit.additionMark)\nDOCKSTORE_BACKEND=\"vfs\"\n")
    }

    @Test func optionsTheFileSetsFollowTheDriver() throws {
        let withOptions = "DOCKSTORE_BACKEND=\"btrfs\"\nDOCKSTORE_BACKEND_OPTIONS=\"btrfs.min_space=1G\"\n"
        // another driver: the old driver's options would make the file one provision refuses
        #expect(try plan(withOptions, "vfs") == "DOCKSTORE_BACKEND=\"vfs\"\nDOCKSTORE_BACKEND_OPTIONS=\"\"\n")
        #expect(try plan(withOptions, "btrfs", ["btrfs.min_space=2G"]) == "DOCKSTORE_BACKEND=\"btrfs\"\nDOCKSTORE_BACKEND_OPTIONS=\"btrfs.min_space=2G\"\n")
        #expect(try plan(withOptions, "btrfs", ["btrfs.min_space=1G"]) == nil)
        // none in the file: provision keeps DOCKER_OPTS' own, so none are written
        #expect(try plan(Self.template, "vfs", ["size=5G"]) == Self.template.replacingOccurrences(of: "DOCKSTORE_BACKEND=\"\"", with: "DOCKSTORE_BACKEND=\"vfs\""))
    }

    @Test func aFileProvisionWouldRefuseIsRefused() {
        #expect(throws: DockStoreError.self) { try plan("DOCKSTORE_FORCE=yes\n", "vfs") }
    }
}
