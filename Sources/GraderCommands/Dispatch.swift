import ArgumentParser

/// `dispatch --input ./src --output submission.zip`: the student's completeness check and zip.
public struct DispatchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Check a submission for completeness and zip it for upload.")

    @Option(name: [.short, .long], help: "The folder with your sources.")
    var input: String = "."

    @Option(name: [.short, .long], help: "The zip to write.")
    var output: String = "submission.zip"

    public init() {}

    public func run() throws {
        throw HarnessFailure("dispatch is not implemented yet (tracked by the intake issue); zip your Sources/ folder by hand for now")
    }
}
