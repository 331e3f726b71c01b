import Checks
import ExerciseKit
import Foundation
import GradingModel
import RemoteObjects

/// The judge: a trusted process of the harness that runs the check bodies against proxies of the
/// student's objects, and decides. It never loads student code; the worker it starts does, and
/// only executes. The host talks to the judge in JSON lines (`WorkerRequest` / `WorkerReply`),
/// which the worker cannot reach: its descriptors are its own three pipes to the judge.
///
/// One judge serves one submission, one check at a time. A worker that crashes, hangs or breaks
/// the protocol costs the check it was in; the next check starts a fresh worker.
public enum JudgeLoop {
    /// Runs until the host closes stdin; returns the exit code.
    public static func run(worker configuration: WorkerConnection.Configuration) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let output = FileHandle.standardOutput
        func send(_ reply: WorkerReply) {
            guard var data = try? WorkerMessageCoding.encoder.encode(reply) else { return }
            data.append(0x0A)
            output.write(data)
        }

        var connection: WorkerConnection?
        var workersStarted = 0
        func worker() throws -> WorkerConnection {
            if let connection, connection.fatal == nil { return connection }
            connection = nil
            workersStarted += 1
            let started = try WorkerConnection(configuration: configuration)
            connection = started
            return started
        }

        do {
            send(.ready(contracts: try worker().contracts))
        } catch let failure as WorkerConnection.LoadFailure {
            send(.loadFailed(reason: failure.reason, abiExpected: failure.expectedABI, abiFound: failure.foundABI))
            return 1
        } catch {
            send(.loadFailed(reason: "\(error)", abiExpected: nil, abiFound: nil))
            return 1
        }

        // What a check needs from the submission's process besides calls on objects.
        CheckEnvironment.seedSubmission = { seed in _ = try? connection?.call(0, "seed", [.int(Int(seed))]) }

        while let line = readLine() {
            guard let request = try? WorkerMessageCoding.decoder.decode(WorkerRequest.self, from: Data(line.utf8)) else { continue }
            let result: CheckResult
            do {
                result = runCheck(request, connection: try worker())
            } catch let failure as WorkerConnection.LoadFailure {
                let (group, name) = split(request.check)
                result = CheckResult(group: group, name: name, status: .errored,
                                     message: "the submission could not be loaded again after a crash: \(failure.reason)")
            } catch {
                let (group, name) = split(request.check)
                result = CheckResult(group: group, name: name, status: .errored, message: "\(error)")
            }
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            send(.result(check: result, workersStarted: workersStarted, judgePeakKiB: usage.ru_maxrss))
        }
        return 0
    }

    static func split(_ id: String) -> (String, String) {
        let parts = id.split(separator: ".", maxSplits: 1).map(String.init)
        return (parts.first ?? id, parts.count > 1 ? parts[1] : "")
    }

    /// Runs one check against the worker's objects and decides its status here.
    static func runCheck(_ request: WorkerRequest, connection: WorkerConnection) -> CheckResult {
        let (group, name) = split(request.check)
        guard let check = CheckCatalog.check(id: request.check) else {
            return CheckResult(group: group, name: name, status: .errored, message: "unknown check \(request.check)")
        }
        RandomSource.shared.seed(request.seed)
        CheckEnvironment.seed = request.seed
        CheckEnvironment.parameters = request.parameters ?? [:]
        _ = CheckNotes.take()
        _ = CheckArtifacts.take()
        let start = DispatchTime.now()
        var status = CheckStatus.passed
        var message = ""
        do {
            try connection.beginCheck(timeoutSeconds: request.timeoutSeconds ?? 10, seed: request.seed)
            try check.run(RemoteRegistry.make(connection))
        } catch let failure as CheckFailure {
            (status, message) = (.failed, failure.description)
        } catch let error as ExerciseError {
            (status, message) = (.failed, "\(error)")
            if case .notImplemented = error { message += "\nhint:     implement it (the skeleton throws this)" }
        } catch let lost as WorkerConnection.WorkerLost {
            (status, message) = (.errored, lost.description)
        } catch let thrown as ThrownError {
            (status, message) = (.failed, thrown.kind == .badCall ? "the call could not be made: \(thrown.message)" : "the submission threw \(thrown.message)")
        } catch let error as DataError {
            (status, message) = (.errored, "the grader could not run this check: \(error)")
        } catch {
            (status, message) = (.failed, "the submission threw \(error)")
        }
        connection.endCheck()
        do { try KitCases.appendRecorded() } catch { (status, message) = (.errored, "\(error)") }
        if let fatal = connection.fatal {
            (status, message) = (.errored, fatal)
        } else if !connection.quietFailures.isEmpty {
            let detail = "calls that failed: " + connection.quietFailures.prefix(3).joined(separator: "; ")
            if status == .passed { (status, message) = (.failed, detail) } else { message += "\n" + detail }
        }
        let notes = CheckNotes.take()
        if !notes.isEmpty { message = (notes + [message]).filter { !$0.isEmpty }.joined(separator: "\n") }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let cpuSeconds = connection.cpuSeconds
        let artifacts = CheckArtifacts.take()
        var result = CheckResult(group: group, name: name, status: status, message: message, seconds: seconds,
                                 artifacts: artifacts.isEmpty ? nil : artifacts)
        result.cpuSeconds = cpuSeconds
        result.location = connection.location
        return result
    }
}
