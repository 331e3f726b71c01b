import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Points standard input, standard output and every other open descriptor but stderr at
/// /dev/null (the worker's channel to the judge included), then carries on.
func hostileAttack() throws {
    let null = open("/dev/null", O_RDWR)
    for fd in Int32(0)..<1024 where fd != 2 && fd != null && fcntl(fd, F_GETFD) >= 0 {
        dup2(null, fd)
    }
}
