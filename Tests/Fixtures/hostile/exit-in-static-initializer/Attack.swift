import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A global whose initializer forges answers and exits: it runs while the worker registers the
/// submission (Swift initialises globals on first use).
let hostileGlobal: Bool = {
    for fd in writablePipes() { writeAll(fd, forgedJSONLines()) }
    exit(0)
}()
