@testable import DockStoreCore
import Testing

/// `StoreCopies.carrying` lists the devices to read from /proc/partitions (one read) instead of
/// every `/sys/class/block/*/size`: the names of nonzero size, partitions included, the header
/// and malformed lines left out.
struct ProcPartitionsTests {
    @Test func theDevicesOfNonzeroSize() {
        let text = """
            major minor  #blocks  name

               7        0    1048576 loop0
             259        0  104857600 nvme0n1
             259        1  104856559 nvme0n1p1
               7        1          0 loop1
             202       16\t  5242880 xvdb
            garbage line
            """
        let devices = StoreCopies.nonEmptyDevices(inPartitions: text)
        #expect(devices.map(\.name) == ["loop0", "nvme0n1", "nvme0n1p1", "xvdb"])
        #expect(devices.map(\.device) == [deviceNumber(major: 7, minor: 0), deviceNumber(major: 259, minor: 0),
                                          deviceNumber(major: 259, minor: 1), deviceNumber(major: 202, minor: 16)])
        // glibc's makedev: the minor's upper bits above bit 20 of the number
        #expect(deviceNumber(major: 259, minor: 300) == (259 << 8) | (300 & 0xff) | ((300 & ~0xff) << 12))
        #expect(StoreCopies.nonEmptyDevices(inPartitions: "major minor  #blocks  name\n\n").isEmpty)
        #expect(StoreCopies.devicePath(ofPartitionsName: "cciss!c0d0") == "/dev/cciss/c0d0")
        #expect(StoreCopies.devicePath(ofPartitionsName: "nvme1n1") == "/dev/nvme1n1")
    }
}
