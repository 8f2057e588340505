// Compiled into the FIX module by build.sh in place of the accessor SwiftPM generates for a
// target with resources (`Bundle.module`), which a plain swiftc build does not have. The fuzz
// targets read the dictionary with DataDictionary(contentsOfFile:); this only lets the module
// compile, and points DataDictionary.fix44() at FIX.resources beside the executable.
import Foundation

extension Foundation.Bundle {
    static let module: Bundle = {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let resources = executable.deletingLastPathComponent().appendingPathComponent("FIX.resources").path
        return Bundle(path: resources) ?? Bundle.main
    }()
}
