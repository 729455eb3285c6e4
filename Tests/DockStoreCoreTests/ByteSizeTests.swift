import Testing
@testable import DockStoreCore

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("100G", UInt64(100) << 30), ("100GiB", UInt64(100) << 30), ("100g", UInt64(100) << 30),
        ("512M", UInt64(512) << 20), ("512MiB", UInt64(512) << 20), ("1TB", UInt64(1_000_000_000_000)),
        ("1T", UInt64(1) << 40), ("4096", UInt64(4096)), ("4096B", UInt64(4096)), (" 2K ", UInt64(2048)),
        ("1KB", UInt64(1000)), ("7E", UInt64(7) << 60),
    ])
    func parses(_ text: String, _ expected: UInt64) throws {
        #expect(try ByteSize.parse(text, what: "--size") == expected)
    }

    @Test(arguments: ["-5G", "10Q", "", "G", "1.5G", "abc", "8E", "99999999999999999999", "5 G B", "5GiBB", "0x10"])
    func refuses(_ text: String) {
        #expect(throws: DockStoreError.self) { try ByteSize.parse(text, what: "--size") }
        do {
            _ = try ByteSize.parse(text, what: "--size")
        } catch let error as DockStoreError {
            #expect(error.kind == .usage)
            #expect(error.message.contains("--size '\(text)'"))
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func formats() {
        #expect(ByteSize.format(100 << 30) == "100 GiB")
        #expect(ByteSize.format(1536 << 20) == "1.5 GiB")
        #expect(ByteSize.format(512) == "512 B")
        #expect(ByteSize.format(4_792_320) == "4.6 MiB")
    }

    @Test func requestRefusesTooSmallAndZero() {
        for (size, shown) in [(UInt64(0), "0"), (1, "1 B"), (ProvisionRequest.minimumSize - 1, "114294783 bytes")] {
            #expect(throws: DockStoreError.usage("--size \(shown) is below 109 MiB (114294784 bytes), the smallest image mkfs.btrfs can format; give a larger --size")) {
                _ = try ProvisionRequest(size: size)
            }
        }
        #expect(throws: Never.self) { _ = try ProvisionRequest(size: ProvisionRequest.minimumSize) }
    }
}

@Suite struct SizeMessageTests {
    /// A size one byte below the minimum must not read "109 MiB is below 109 MiB".
    @Test func aSizeJustBelowTheMinimumIsShownInBytes() {
        let below = ProvisionRequest.minimumSize - 1
        do {
            _ = try ProvisionRequest(size: below)
            Issue.record("accepted \(below) bytes")
        } catch let error as DockStoreError {
            #expect(error.message.hasPrefix("--size \(below) bytes is below 109 MiB (\(ProvisionRequest.minimumSize) bytes)"), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
