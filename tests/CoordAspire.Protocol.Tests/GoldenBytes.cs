namespace CoordAspire.Protocol.Tests;

/// <summary>
/// Bytes produced by Apache ZooKeeper 3.8.0's own jute classes (Debian's zookeeper.jar and zookeeper-jute.jar,
/// serialised with BinaryOutputArchive by a small Java program; see tests/java/golden/README.md). They are the ground
/// truth our codec must match, byte for byte.
/// </summary>
internal static class GoldenBytes
{
    public const string ConnectRequest = "0000000000000000000012340000753000000000000000000000001000000000000000000000000000000000";
    public const string ConnectResponse = "00000000000075300100000000000001000000100102030405060708090a0b0c0d0e0f10";
    public const string RequestHeader = "0000000700000001";
    public const string ReplyHeader = "000000070000000100000002ffffff9b";
    public const string CreateRequest = "000000042f612f620000000568656c6c6f000000020000001f00000005776f726c6400000006616e796f6e65000000010000000664696765737400000008626f623a6162633d00000003";
    public const string CreateTtlRequest = "000000022f7400000000000000020000001f00000005776f726c6400000006616e796f6e65000000010000000664696765737400000008626f623a6162633d00000005000000000000ea60";
    public const string Stat = "00000000000000010000000000000002000000000000000300000000000000040000000500000006000000070000000000000008000000090000000a000000000000000b";
    public const string GetDataResponseNullData = "ffffffff00000000000000010000000000000002000000000000000300000000000000040000000500000006000000070000000000000008000000090000000a000000000000000b";
    public const string SetWatches2 = "000000000000000500000001000000022f6100000002000000022f62000000022f630000000000000001000000022f7000000001000000022f72";
    public const string WatcherEvent = "0000000300000003000000022f78";
    public const string AuthPacket = "00000000000000066469676573740000000a626f623a736563726574";
    public const string TxnHeader = "01000000000000010000000300000002000000050000018bcfe5680000000001";
    public const string CreateTxn = "000000022f650000000176000000020000001f00000005776f726c6400000006616e796f6e65000000010000000664696765737400000008626f623a6162633d0100000004";
    public const string CloseSessionTxn = "00000002000000032f6531000000032f6532";
    public const string MultiOperationRecord = "0000000100ffffffff000000022f6d0000000101000000010000001f00000005776f726c6400000006616e796f6e65000000000000000d00ffffffff000000022f6d000000000000000500ffffffff000000022f6d0000000102ffffffff0000000200ffffffff000000022f6dffffffffffffffff01ffffffff";
    public const string MultiResponseFailed = "000000010000000000000000022f6dffffffff00ffffff9bffffff9bffffffff00fffffffefffffffeffffffff01ffffffff";

    /// <summary>A GetDataRequest for "/😀" as the 3.8 Java client sends it: each surrogate as its own three-byte sequence.</summary>
    public const string NonBmpPathGetData = "000000072feda0bdedb88001";

    /// <summary>The session password ZooKeeperServer.generatePasswd gives session 0x0100000000000001.</summary>
    public const string PasswordOfSession0100000000000001 = "054cc74a37327db215e702e20c73f005";

    /// <summary>DigestAuthenticationProvider.generateDigest("bob:secret").</summary>
    public const string DigestOfBobSecret = "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=";
}
