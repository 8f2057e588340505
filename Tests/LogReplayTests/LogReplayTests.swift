import Testing
@testable import LogReplay
