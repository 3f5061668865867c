import Dispatch
import Synchronization
import Testing
@testable import NeedleDaemon

#if canImport(Glibc)
import Glibc
#endif

/// Role checks run on several socket threads at once. `getpwuid()` answers in one static
/// buffer per process: a lookup made by another thread between reading a peer's entry and
/// using it handed the peer someone else's groups (issue 9 §2.19). These tests use root
/// (uid 0, groups [0]) and daemon (uid 1, groups [1]), present on every Debian system.
@Suite("User and group lookups are reentrant", .timeLimit(.minutes(1)))
struct AccountLookupTests {
    @Test("another thread's getpwuid() between a peer's lookup and its use does not change the peer's groups")
    func lookupIsOurOwnCopy() throws {
        #if os(Linux)
        try #require(getpwuid(1) != nil && getpwuid(0) != nil, "needs the root and daemon users")
        // The seam stands where another socket thread's non-reentrant lookup could run.
        let rootGroups = AccessPolicy.supplementaryGroups(of: 0, afterLookup: { _ = getpwuid(1) })
        #expect(rootGroups == [0], "root was judged by daemon's groups: \(rootGroups)")
        let daemonGroups = AccessPolicy.supplementaryGroups(of: 1, afterLookup: { _ = getpwuid(0) })
        #expect(daemonGroups == [1], "daemon was judged by root's groups: \(daemonGroups)")
        #endif
    }

    @Test("many threads looking up different users at once each get their own user's groups")
    func concurrentLookups() throws {
        #if os(Linux)
        try #require(getpwuid(1) != nil, "needs the daemon user")
        let wrong = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            for round in 0..<500 {
                let uid = UInt32((index + round) % 2)
                if AccessPolicy.supplementaryGroups(of: uid) != [uid] { wrong.add(1, ordering: .relaxed) }
            }
        }
        #expect(wrong.load(ordering: .relaxed) == 0)
        #endif
    }

    @Test("names resolve through the reentrant calls; numbers pass through; unknown names are nil")
    func names() {
        #if os(Linux)
        #expect(AccessPolicy.uid(ofUser: "daemon") == 1)
        #expect(AccessPolicy.gid(ofGroup: "daemon") == 1)
        #expect(AccessPolicy.uid(ofUser: "root") == 0)
        #expect(AccessPolicy.gid(ofGroup: "1234") == 1234)
        #expect(AccessPolicy.uid(ofUser: "no-such-user-needled") == nil)
        #expect(AccessPolicy.gid(ofGroup: "no-such-group-needled") == nil)
        #expect(SystemAccounts.user(uid: 1) == SystemAccounts.User(name: "daemon", gid: 1))
        #expect(SystemAccounts.user(uid: 4_000_000_000) == nil)
        #endif
    }
}
