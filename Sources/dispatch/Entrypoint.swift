import GraderCommands

@main
enum Entrypoint {
    static func main() { DispatchCommand.main() }
}
