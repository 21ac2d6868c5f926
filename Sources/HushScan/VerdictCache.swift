#if canImport(Glibc)
    import Glibc
#endif

/// Remembers the value classifier's recent verdicts, per thread.
///
/// A history scan meets the same `key: value` line in every version of a
/// file; judging it once per thread instead of once per blob keeps the
/// classifier off the hot path. Verdicts are pure functions of their inputs,
/// so a cached one is always right; the cache is bounded and simply emptied
/// when full.
enum VerdictCache {
    static let capacity = 8192

    /// What a verdict depends on.
    private struct Question: Hashable {
        var form: ValueClassifier.Form
        var kind: KeyName.Kind?
        var key: String?
        var value: String
    }

    private final class Storage {
        var verdicts: [Question: ValueClassifier.Verdict] = [:]
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<Storage>.fromOpaque(pointer).release() }
        }
        return key
    }()

    private static var storage: Storage {
        if let existing = pthread_getspecific(key) {
            return Unmanaged<Storage>.fromOpaque(existing).takeUnretainedValue()
        }
        let storage = Storage()
        pthread_setspecific(key, Unmanaged.passRetained(storage).toOpaque())
        return storage
    }

    /// The classifier's verdict on `value` assigned to `key`, judged at most once per thread.
    static func judge(
        value: String, key: String?, kind: KeyName.Kind?, form: ValueClassifier.Form
    ) -> ValueClassifier.Verdict {
        let lookup = Question(form: form, kind: kind, key: key, value: value)
        let storage = storage
        if let cached = storage.verdicts[lookup] { return cached }
        let verdict = ValueClassifier.judge(value: value, key: key, kind: kind, form: form)
        if storage.verdicts.count >= capacity { storage.verdicts.removeAll(keepingCapacity: true) }
        storage.verdicts[lookup] = verdict
        return verdict
    }
}
