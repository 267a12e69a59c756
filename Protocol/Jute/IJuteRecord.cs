namespace CoordAspire.Protocol.Jute;

/// <summary>A record of <c>zookeeper.jute</c>: it reads itself from and writes itself to the binary archive.</summary>
public interface IJuteRecord<TSelf> where TSelf : IJuteRecord<TSelf>
{
    static abstract TSelf Read(ref JuteReader reader);

    void Write(in JuteWriter writer);
}
