import Benchmark
import Foundation
import HushVault

let benchmarks: @Sendable () -> Void = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hush-vault-bench-\(getpid())")
    try? FileManager.default.removeItem(at: folder)
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    // Keep the rollback record out of the user's state folder.
    setenv("HUSH_STATE_DIR", folder.appendingPathComponent("state").path, 1)
    let path = folder.appendingPathComponent("vault.yaml").path
    let identity = try! AgeX25519Identity.generate()
    let unlock = VaultUnlocker(identities: [identity])
    try! Vault.create(at: path, recipients: [.x25519(identity.recipient)], unlock: unlock)
    try! Vault.modify(at: path, unlock: unlock) { vault in
        for index in 0..<1000 {
            try vault.set("service\(index).password", value: Array("secret-value-\(index)-\(UUID())".utf8))
        }
    }

    // Parse, unwrap the data key with X25519, verify the store MAC; values stay sealed until read.
    Benchmark(
        "Vault open (1,000 entries, X25519 identity)",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(10))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! Vault.open(at: path, unlock: unlock))
        }
    }

    Benchmark(
        "Vault open and read one value (1,000 entries)",
        configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! Vault.open(at: path, unlock: unlock).value(for: "service500.password"))
        }
    }
}
