@testable import DockStoreCore
import Foundation
import Testing

/// A loop device's kernel name from its number: loopN is block 7:N only while the loop driver
/// gives no partitions (max_part 0); with max_part 15, loop1 is 7:16, and 7:17 is loop1p1. No root needed.
@Suite struct LoopKernelNameTests {
    @Test(arguments: [(UInt64(0), UInt64(0)), (1, 1), (3, 2), (7, 3), (15, 4), (16, 5), (31, 5), (255, 8)])
    func theMinorShiftIsMaxPartInWholeBits(maxPart: UInt64, shift: UInt64) {
        #expect(LoopDevice.minorShift(maxPart: maxPart) == shift)
    }

    @Test func theNameComesFromSysfsNotFromTheMinor() throws {
        var template = Array("/tmp/dockstore-loop-names.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        let sysfs = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: sysfs) }
        let devices = ["7:0": "loop0", "7:16": "loop1", "7:17": "loop1/loop1p1", "8:0": "sda"]
        try FileManager.default.createDirectory(atPath: "\(sysfs)/dev/block", withIntermediateDirectories: true)
        for (number, path) in devices {
            try FileManager.default.createDirectory(atPath: "\(sysfs)/devices/virtual/block/\(path)", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(sysfs)/dev/block/\(number)", withDestinationPath: "../../devices/virtual/block/\(path)")
        }
        let name = { (major: UInt64, minor: UInt64) in LoopDevice.kernelName(ofNumber: deviceNumber(major: major, minor: minor), sysBlock: "\(sysfs)/block") }
        #expect(name(7, 0) == "loop0")
        #expect(name(7, 16) == "loop1", "not loop16")
        #expect(name(7, 17) == nil, "a partition of a loop device is no loop device")
        #expect(name(7, 1) == nil, "no device has that number")
        #expect(name(8, 0) == nil, "not a loop device")
    }
}
