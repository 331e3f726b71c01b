import GraderCommands

@main
enum Entrypoint {
    static func main() { GraderCommand.main() }
}
