// What the benchmark executables share.

import Benchmark

/// Holds a benchmark's state between setup and the measured iterations. The measured closure
/// reaches the state with one access per iteration (`box.value!.run(...)`); the inner loop then
/// works on the value in place, so no per-operation exclusivity check or copy is measured.
public final class Box<T>: @unchecked Sendable {
    public var value: T?
    public init() {}
}

/// Wall clock, CPU time, mallocs and throughput, `scalingFactor` operations per measured
/// iteration (the scaled figures are per operation).
public func perOperationConfiguration(scalingFactor: BenchmarkScalingFactor = .kilo, warmupIterations: Int = 20,
                                      maxDuration: Duration = .seconds(2), maxIterations: Int = 100_000) -> Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: warmupIterations,
        scalingFactor: scalingFactor,
        maxDuration: maxDuration,
        maxIterations: maxIterations
    )
}
