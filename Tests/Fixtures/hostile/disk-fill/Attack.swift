import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// "Escaped" when more than 1 GiB was written: into the working folder (the host's disk, before),
/// then into the home folder.
func attackOnce() -> Bool {
    let intoWork = fill(FileManager.default.currentDirectoryPath, name: "disk-fill")
    let intoHome = fill(NSHomeDirectory(), name: "disk-fill")
    print("disk-fill: wrote \(intoWork >> 20) MiB into the working folder, \(intoHome >> 20) MiB into the home folder")
    return intoWork + intoHome > 1 << 30
}

/// The attack runs once per worker (the first optimizer call); later calls answer from it, so
/// the fixture tests its limit rather than the time budget.
let attackOutcome = attackOnce()
func containmentProbe() -> Bool { attackOutcome }
