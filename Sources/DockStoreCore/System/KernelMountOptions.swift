import CLinuxShim
import CMount
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The running kernel's own judgement of a store's mount options, asked before anything is
/// created (attack 25 K1: an adopted fstab line with an option the kernel rejects got a clean
/// dry run, then a created, formatted and removed image at every boot, and the kernel's
/// "wrong fs type, bad option" naming neither the line nor the option).
///
/// libmount splits the options as mount(8) does (`mnt_split_optstr`): its own (`nofail`,
/// `x-*`) and the VFS flags (`noatime`, `ro`) never reach the filesystem; the rest does, and
/// each is handed to the filesystem's parser through fsopen(2) and fsconfig(2), which mounts
/// nothing. A filesystem whose parser is not the new mount API's (btrfs before Linux 6.8)
/// takes any option there and judges only at the mount: that is found by offering it an
/// option that no filesystem has, and then nothing is judged here (nor without privilege or
/// fsopen): the mount itself says.
public enum KernelMountOptions {
    /// An option no filesystem takes: accepted, the parser does not judge at fsconfig.
    static let probe = "x-dockstore-no-such-option"

    /// The security modules' options, which libmount and the kernel's LSM hooks take before the
    /// filesystem sees them (libmount drops the SELinux ones where SELinux is off, and
    /// `mount -o context=…` then mounts; attack 26 L1): never the filesystem's to judge.
    static let securityOptions: Set<String> = ["context", "fscontext", "defcontext", "rootcontext", "seclabel",
                                                "smackfsdef", "smackfsfloor", "smackfshat", "smackfsroot", "smackfstransmute"]

    /// The options among `options` that the kernel's `fstype` rejects, each with the kernel's
    /// message; nil when the kernel cannot be asked or does not judge before a mount.
    /// `device=` is not asked: btrfs's parser registers that device as it reads the option.
    public static func rejected(_ options: [String], fstype: String) -> [String: String]? {
        guard isRejected(ask(fstype: fstype, key: probe, value: nil)) else { return nil }
        var found: [String: String] = [:]
        for option in filesystemOptions(options) {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let key = parts[0]
            guard !key.isEmpty, key != "device", !securityOptions.contains(key) else { continue }
            switch ask(fstype: fstype, key: key, value: parts.count > 1 ? parts[1] : nil) {
            case .rejected(let why): found[option] = why ?? "fsconfig(2): Invalid argument, no message logged"
            case .accepted, .cannotTell: continue
            }
        }
        return found
    }

    enum Answer: Equatable {
        case accepted
        case rejected(String?)
        case cannotTell
    }

    static func isRejected(_ answer: Answer) -> Bool {
        if case .rejected = answer { return true }
        return false
    }

    static func ask(fstype: String, key: String, value: String?) -> Answer {
        var message = [CChar](repeating: 0, count: 512)
        let rc: Int32 = message.withUnsafeMutableBufferPointer { buffer in
            if let value { return ds_fs_option_accepted(fstype, key, value, buffer.baseAddress, buffer.count) }
            return ds_fs_option_accepted(fstype, key, nil, buffer.baseAddress, buffer.count)
        }
        switch rc {
        case 1: return .accepted
        case 0:
            let text = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .rejected(text.isEmpty ? nil : text)
        default: return .cannotTell
        }
    }

    /// The options libmount hands to the filesystem (neither its own nor VFS flags), in order;
    /// none when libmount cannot split them (a quote left open): the mount then says.
    static func filesystemOptions(_ options: [String]) -> [String] {
        var user: UnsafeMutablePointer<CChar>? = nil
        var vfs: UnsafeMutablePointer<CChar>? = nil
        var fs: UnsafeMutablePointer<CChar>? = nil
        defer { free(user); free(vfs); free(fs) }
        guard mnt_split_optstr(options.joined(separator: ","), &user, &vfs, &fs, 0, 0) == 0 else { return [] }
        guard let fs else { return [] }
        return splitOutsideQuotes(String(cString: fs))
    }

    /// Splits an option string at the commas outside double quotes, as libmount reads it
    /// (`context="a,b"` is one option); a quoted value is kept with its quotes, which is how
    /// mount(2) hands it to the filesystem (attack 26 L6: such options were not asked at all).
    static func splitOutsideQuotes(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted {
                if !current.isEmpty { parts.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }
}
