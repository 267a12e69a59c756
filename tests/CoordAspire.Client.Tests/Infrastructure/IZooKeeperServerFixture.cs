namespace CoordAspire.Client.Tests;

/// <summary>
/// A server the client suites run against. The suites are abstract classes taking one of these; each server
/// (Apache ZooKeeper today, CoordAspire's Node next) gets a sealed subclass per suite in its own collection.
/// </summary>
public interface IZooKeeperServerFixture
{
    /// <summary>What the suites call the server in failure messages.</summary>
    string Name { get; }

    /// <summary>The connect string: host:port of the server's client port, or of every member of an ensemble.</summary>
    string ConnectString { get; }

    /// <summary>
    /// One server's host:port, for tests of what a client does while disconnected: with a whole ensemble in its
    /// connect string a client reconnects to the next member within milliseconds.
    /// </summary>
    string SingleServerConnectString => ConnectString;

    /// <summary>
    /// The connect string for one test's clients. ZooKeeper orders all writes, but one client sees another's write only
    /// once its own server has applied it (or after a sync): the suites, written with one server in mind, assert what
    /// one client sees right after another's write. So an ensemble gives all of a test's clients one member, picked by
    /// <paramref name="seed"/> — a follower two times in three, whose every write goes through the leader.
    /// </summary>
    string ConnectStringForTest(int seed) => ConnectString;

    /// <summary>The smallest session timeout the server grants (2 × tickTime).</summary>
    TimeSpan MinSessionTimeout { get; }

    /// <summary>Sends a four-letter word (srvr, cons, wchs, ...) and returns the answer.</summary>
    Task<string> FourLetterWordAsync(string word);
}
