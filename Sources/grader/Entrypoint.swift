import GraderCommands
import PluginHost

@main
enum Entrypoint {
    static func main() {
        // A group name declared twice would grade one exercise's rubric with another's checks.
        GraderCommand.refuseAnInconsistentCatalog()
        // As `GraderCommand.main()`, but an interrupted command exits through its handler (130,
        // after killing its children and removing its folders), never first with its own error.
        do {
            var command = try GraderCommand.parseAsRoot()
            try command.run()
            Interruption.yieldIfInterrupted()
        } catch {
            Interruption.yieldIfInterrupted()
            GraderCommand.exit(withError: error)
        }
    }
}
