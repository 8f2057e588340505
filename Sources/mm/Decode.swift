import ArgumentParser
import FIX

struct Decode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decode FIX messages.")
    func run() async throws {}
}
