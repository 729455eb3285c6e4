/// The positive error codes btrfs ioctls return (enum btrfs_err_code in linux/btrfs.h),
/// with the texts btrfs-progs prints for them.
enum BtrfsErrorCode {
    static func text(_ code: Int32) -> String {
        switch code {
        case 1: return "unable to go below two devices on raid1 (btrfs error 1)"
        case 2: return "unable to go below four devices on raid10 (btrfs error 2)"
        case 3: return "unable to go below two devices on raid5 (btrfs error 3)"
        case 4: return "unable to go below three devices on raid6 (btrfs error 4)"
        case 5: return "unable to find the target device of the replace (btrfs error 5)"
        case 6: return "no missing devices found to remove (btrfs error 6)"
        case 7: return "unable to remove the only writeable device (btrfs error 7)"
        case 8: return "another exclusive operation (balance, device add, remove, replace or resize) is running (btrfs error 8)"
        case 9: return "unable to go below one device on raid1c3 (btrfs error 9)"
        case 10: return "unable to go below one device on raid1c4 (btrfs error 10)"
        default: return "btrfs error \(code)"
        }
    }
}
