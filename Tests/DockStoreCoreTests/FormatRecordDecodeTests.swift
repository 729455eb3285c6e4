@testable import DockStoreCore
import Testing

/// Attack 33 V C5d, C5e: a record written by hand whose identity had an unknown key was read as
/// "a loop device over the file with device 0, inode 0", and one whose UUID was none made every
/// provision fail inside mkfs. A record no dockstore wrote is refused, with what to do.
@Suite struct FormatRecordDecodeTests {
    static let good = #"{"device":"/dev/loop3","filesystem":"btrfs","identity":{"loopFileDevice":64,"loopFileInode":9,"loopOffset":0,"loopSizeLimit":0},"label":"docker","size":536870912,"uuid":"6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e"}"#

    @Test(arguments: [
        (good, nil),
        (good.replacingOccurrences(of: #""loopFileDevice":64,"loopFileInode":9,"loopOffset":0,"loopSizeLimit":0"#, with: #""serial":"abc""#),
         "its identity names neither an EBS volume id nor a loop device's file"),
        (good.replacingOccurrences(of: #""loopFileDevice":64,"#, with: #""volumeID":"vol-0123456789abcdef0","loopFileDevice":64,"#),
         "its identity names both an EBS volume id and a loop device's file"),
        (good.replacingOccurrences(of: "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e", with: "not-a-uuid"), "its uuid 'not-a-uuid' is no filesystem UUID"),
        (good.replacingOccurrences(of: #""filesystem":"btrfs""#, with: #""filesystem":"zfs""#), "its filesystem 'zfs' is none dockstore formats"),
    ] as [(String, String?)])
    func aRecordNoDockstoreWroteIsRefused(_ text: String, _ why: String?) {
        do {
            let record = try FormatRecord.decode(Array(text.utf8), shownAs: "/r")
            #expect(why == nil, "read \(record)")
        } catch let error as DockStoreError {
            #expect(why.map { error.message == "/r is not a format record dockstore wrote (\($0)); remove it (a device a killed format left is then refused as holding data)" } == true, "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
