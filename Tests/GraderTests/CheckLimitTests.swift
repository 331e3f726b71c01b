import Checks
import Foundation
@testable import PluginHost
import Testing
@testable import RemoteObjects

/// Per-check CPU limits sized to the work (issue 11): a group on small fixed inputs gets a tenth
/// of the rubric's limit, which must stay far above what the reference needs.
@Suite(.serialized) struct CheckLimitTests {
    /// Every check of every small-inputs group, run on the reference: each uses at most a
    /// twentieth of its limit in CPU time (the worker's, which a loaded machine does not change;
    /// measured by hand: 5 ms of wall time at most against 1 s).
    @Test func smallInputChecksLeaveTheReferenceTwentyTimesItsCPU() throws {
        let supervisor = try TestSupport.supervisor(for: "reference")
        let limit = 10 * Check.smallInputsScale
        var seen = 0
        for group in CheckCatalog.groups where group.smallInputs {
            for check in group.checks {
                #expect(check.timeoutScale <= Check.smallInputsScale, "\(group.name).\(check.name)")
                let result = try supervisor.run(check: "\(group.name).\(check.name)", seed: 1337, timeoutSeconds: limit)
                let cpu = try #require(result.cpuSeconds, "\(group.name).\(check.name): \(result.message)")
                #expect(cpu * 20 <= limit, "\(group.name).\(check.name): \(cpu) s of CPU against a limit of \(limit) s")
                seen += 1
            }
        }
        #expect(seen >= 80, "the small-input checks ran: \(seen)")
    }

    /// The judge spins for a reply only while spinning finds replies: on a machine whose cores
    /// are all busy, it would take the core its own worker needs.
    @Test func theJudgeStopsSpinningWhenSpinsMissAndProbesLater() {
        var policy = SpinPolicy()
        for _ in 0..<SpinPolicy.credit {
            let spins = policy.shouldSpin()
            #expect(spins)
            policy.record(success: false)
        }
        let decisions = (0..<SpinPolicy.probeEvery).map { _ in policy.shouldSpin() }
        #expect(decisions.filter { $0 }.count == 1 && decisions.last == true, "one probe in \(SpinPolicy.probeEvery) waits: \(decisions)")
        policy.record(success: true)
        let resumed = policy.shouldSpin() && policy.shouldSpin()
        #expect(resumed, "a probe that finds its reply resumes spinning")
        policy.record(success: false)
        let afterOneMiss = policy.shouldSpin()
        #expect(afterOneMiss, "one miss after a success does not stop it")
    }
}
